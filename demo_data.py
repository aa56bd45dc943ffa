"""Demo data: two properties, one login per role, and a few records in every register,
so a newcomer (and the test suite's template database) has something to look at."""
from __future__ import annotations

from sqlalchemy import select

from audit import system_actor
from models import Building, Occupant, Property, Staff, Unit
from models.base import db
from rules.roles import ROLES

DEMO_PASSWORD = "demo-pass-2026"
DEMO_PIN = "2468"
HEAD_OFFICE_ROLES = {"auditor", "admin"}

DEMO_NAMES = {
    "clerk": "王晓燕", "butler": "李建国", "courier": "赵小明", "security": "孙强",
    "finance": "周丽", "supervisor": "吴敏", "dept_manager": "郑海涛",
    "property_manager": "冯志刚", "general_manager": "陈立新", "auditor": "何静",
    "admin": "系统管理员",
}
OCCUPANT_NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆", "黄磊", "赵敏", "周杰", "吴磊",
                  "徐丽", "孙悦", "马超", "朱琳", "胡斌", "郭靖"]


def load_demo(password: str = DEMO_PASSWORD) -> None:
    """Load (or refresh) the demo data; safe to run twice."""
    with system_actor("cli:demo-data"):
        prop = _ensure_property("DEMO", "翠湖花园管理处", "深圳市南山区翠湖路 1 号")
        north = _ensure_property("NORTH", "北岸小区管理处", "深圳市宝安区北岸路 8 号")
        _demo_homes(prop)
        for role in ROLES:
            staff = db.session.execute(
                select(Staff).where(Staff.username == role)).scalar_one_or_none()
            if staff is None:
                staff = Staff(username=role, full_name=DEMO_NAMES[role])
                db.session.add(staff)
            staff.role_set = {role}
            staff.property_id = None if role in HEAD_OFFICE_ROLES else prop.id
            staff.active = True
            staff.set_password(password)
            staff.set_pin(DEMO_PIN)
        # A second clerk, so two-person entry can be tried with demo logins.
        extra = db.session.execute(
            select(Staff).where(Staff.username == "clerk2")).scalar_one_or_none()
        if extra is None:
            extra = Staff(username="clerk2", full_name="刘春梅")
            db.session.add(extra)
        extra.role_set = {"clerk"}
        extra.property_id = prop.id
        extra.active = True
        extra.set_password(password)
        extra.set_pin(DEMO_PIN)
        db.session.flush()
        _demo_keys(prop, north)
        _demo_home_care(prop)
        _demo_stock_and_orders(prop)
        _demo_public_info(prop)
        _demo_patrols(prop)
        _demo_activities(prop)
        _demo_exit_and_fees(prop)
        _demo_owner_files(prop, north)
        _demo_handover(prop)
        _demo_mail_and_notices(prop)
        _demo_complaints(prop)
        _demo_followup_batches(prop)
        _demo_butler_areas(prop)
        _demo_rate_and_tidy(prop)
        _demo_front_desk_rules(prop)
        db.session.commit()


def _ensure_property(code: str, name: str, address: str) -> Property:
    prop = db.session.execute(select(Property).where(Property.code == code)).scalar_one_or_none()
    if prop is None:
        prop = Property(code=code, name=name, address=address, phone="0755-8888 0000")
        db.session.add(prop)
        db.session.flush()
    return prop


def _demo_homes(prop: Property) -> None:
    if db.session.execute(select(Building).where(Building.property_id == prop.id)).first():
        return
    n = 0
    for b in range(1, 4):
        building = Building(property_id=prop.id, name=f"{b}栋", floors=18)
        db.session.add(building)
        db.session.flush()
        for floor in (3, 8, 12):
            for door in (1, 2):
                room = f"{b}-{floor}{door:02d}"
                unit = Unit(property_id=prop.id, building_id=building.id, room=room,
                            floor=floor, area_m2=89.5 + door * 20, vacant=(floor == 12 and door == 2))
                db.session.add(unit)
                db.session.flush()
                if not unit.vacant:
                    name = OCCUPANT_NAMES[n % len(OCCUPANT_NAMES)]
                    n += 1
                    db.session.add(Occupant(property_id=prop.id, unit_id=unit.id, name=name,
                                            kind="owner", phone=f"138{n:08d}"))


DEMO_KEYS = [
    # label, place, category, cabinet, hook, holder
    ("配电房", "1栋负一层配电房", "public", "A柜", "01", "前台"),
    ("水泵房", "2栋负一层水泵房", "public", "A柜", "02", "前台"),
    ("消防控制室", "管理处一楼消防控制室", "public", "A柜", "03", "前台"),
    ("会所活动室", "会所二楼活动室", "public", "A柜", "04", "前台"),
    ("1栋天台门", "1栋天台", "public", "A柜", "05", "前台"),
    ("管理处办公室", "管理处一楼", "office", "B柜", "01", "前台"),
    ("财务室保险柜", "管理处财务室", "office", None, None, "财务 周丽"),
    ("1-801托管", "1-801 业主托管房入户门", "custodial", "业主档案柜", "T01", "前台"),
    ("1-302寄存", "1-302 业主寄存钥匙", "deposited", "寄存柜", "J01", "前台"),
]


def _demo_keys(prop: Property, north: Property) -> None:
    """Keys and a little key history for the demo property (idempotent)."""
    from datetime import timedelta

    from i18n import local_today

    from models.keys import Key, KeyApplication, KeyApplicationItem, KeySpotCheck
    from models.keys import SpareKeyAuthorisation
    from rules.keys import issue_key, return_key

    if db.session.execute(select(Key).where(Key.property_id == prop.id)).first():
        return

    def staff(username: str) -> Staff:
        return db.session.execute(select(Staff).where(Staff.username == username)).scalar_one()

    clerk, butler, security = staff("clerk"), staff("butler"), staff("security")
    keys = {}
    for label, place, category, cabinet, hook, holder in DEMO_KEYS:
        keys[label] = Key(property_id=prop.id, label=label, place=place, category=category,
                          cabinet=cabinet, hook=hook, holder=holder, status="in_use",
                          created_by_id=clerk.id)
        db.session.add(keys[label])
    db.session.flush()
    spare = Key(property_id=prop.id, label="配电房-备1", place="1栋负一层配电房",
                category="spare", status="spare", cabinet="C柜", hook="01", holder="前台",
                spare_of_id=keys["配电房"].id, created_by_id=clerk.id)
    db.session.add(spare)
    db.session.add(Key(property_id=north.id, label="配电房", place="北岸 A 座配电房",
                       category="public", status="in_use", cabinet="A柜", hook="01",
                       holder="前台"))
    db.session.flush()
    done = issue_key(keys["会所活动室"], butler, "会所空调检查", clerk)
    return_key(done, clerk)
    issue_key(keys["水泵房"], security, "夜间巡查水泵", clerk)
    from models.key_borrowers import KeyCheckoutBorrower   # 外来人员借用（已归还）
    fixed = issue_key(keys["管理处办公室"], None, "空调维修", clerk, outside=KeyCheckoutBorrower(
        kind="contractor", name="李师傅", company="恒温空调维修部",
        id_number="440301198805061234", phone="13800138000"))
    return_key(fixed, clerk)
    application = KeyApplication(property_id=prop.id, kind="copy", reason="work_need",
                                 copies=1, detail="保洁每天开天台门晾晒，需要一把工作钥匙",
                                 applicant_id=butler.id, created_by_id=butler.id)
    application.items.append(KeyApplicationItem(key=keys["1栋天台门"], property_id=prop.id,
                                                created_by_id=butler.id))
    db.session.add(application)
    db.session.add(SpareKeyAuthorisation(property_id=prop.id, key_id=spare.id,
                                         purpose="主钥匙借出未还，配电房需紧急检修",
                                         applicant_id=clerk.id, created_by_id=clerk.id))
    db.session.add(KeySpotCheck(property_id=prop.id, checked_on=local_today() - timedelta(days=20),
                                checked_by_id=staff("property_manager").id, keys_checked=9,
                                discrepancies=None, created_by_id=staff("property_manager").id))
    db.session.flush()


def _demo_home_care(prop: Property) -> None:
    """A custody agreement with its key, inspections and a deposit (idempotent)."""
    from datetime import timedelta

    from i18n import local_today
    from models.base import utcnow
    from models.custody import CustodyAgreement, CustodyInspection, VacantHomeInspection
    from models.keys import Key
    from models.valuables import ValuablesDeposit

    if db.session.execute(select(CustodyAgreement).where(
            CustodyAgreement.property_id == prop.id)).first():
        return

    def one(model, *where):
        return db.session.execute(select(model).where(*where)).scalars().first()

    butler = one(Staff, Staff.username == "butler")
    clerk2 = one(Staff, Staff.username == "clerk2")
    unit = one(Unit, Unit.property_id == prop.id, Unit.room == "1-801")
    owner = one(Occupant, Occupant.unit_id == unit.id)
    today, now = local_today(), utcnow()
    agreement = CustodyAgreement(
        property_id=prop.id, unit_id=unit.id, owner_id=owner.id, butler_id=butler.id,
        purpose="业主出国半年，委托管家定期巡查", starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=150), power_gas_reminded=True,
        security_notified_at=now - timedelta(days=30), owner_confirmed=True,
        inspect_every_days=7, created_by_id=butler.id)
    db.session.add(agreement)
    db.session.flush()
    key = one(Key, Key.property_id == prop.id, Key.label == "1-801托管")
    key.custody_agreement_id = agreement.id
    db.session.add(CustodyInspection(
        property_id=prop.id, agreement_id=agreement.id, inspected_at=now - timedelta(days=10),
        reason="routine", interior=True, owner_contacted_at=now - timedelta(days=10, hours=3),
        owner_contact_method="wechat", inspector_id=butler.id, cosigned_by_id=clerk2.id,
        cosigned_at=now - timedelta(days=10), cosign_method="pin",
        findings="门窗完好，水电气已关", created_by_id=butler.id))
    vacant = one(Unit, Unit.property_id == prop.id, Unit.vacant.is_(True))
    db.session.add(VacantHomeInspection(
        property_id=prop.id, unit_id=vacant.id, inspector_id=butler.id,
        inspected_at=now - timedelta(hours=2), findings=None, created_by_id=butler.id))
    unit2 = one(Unit, Unit.property_id == prop.id, Unit.room == "1-301")
    owner2 = one(Occupant, Occupant.unit_id == unit2.id)
    db.session.add(ValuablesDeposit(
        property_id=prop.id, owner_id=owner2.id, unit_id=unit2.id, item_kind="document",
        description="房产证复印件及购房合同", size_class="small", container="envelope",
        storage_place="业主档案柜 1-301", butler_id=butler.id, deposited_at=now - timedelta(days=3),
        owner_confirmed=True, created_by_id=butler.id))
    db.session.flush()


def _demo_public_info(prop: Property) -> None:
    """A morning's 公共信息记录表 (idempotent): a repair call turned into the demo
    service order, an enquiry, and a complaint forwarded to security, still open."""
    from datetime import timedelta

    from models.base import utcnow
    from models.public_info import PublicInfoEntry
    from models.service_orders import ServiceOrder

    if db.session.execute(select(PublicInfoEntry).where(
            PublicInfoEntry.property_id == prop.id)).first():
        return
    clerk = db.session.execute(select(Staff).where(Staff.username == "clerk")).scalar_one()
    order = db.session.execute(select(ServiceOrder).where(
        ServiceOrder.property_id == prop.id, ServiceOrder.kind == "service")).scalars().first()
    rooms = {u.room: u for u in db.session.execute(select(Unit).join(Building).where(
        Building.property_id == prop.id)).scalars()}
    now = utcnow()
    for hours, room, name, phone, reason, cat, fwd, done, completion, order_no in (
            (27, "2-302", "王女士", "13800000007", "厨房下水道堵塞，要求上门疏通", "C",
             "engineering", 26, "已开服务单，工程部刘师傅处理完毕", order),
            (20, "1-301", "张先生", "13900000011", "咨询本月物业费缴费方式", "B", None, 20,
             "已告知可在前台或线上缴纳", None),
            (30, "3-801", "李女士", "13700000023", "夜间地库有车辆乱停，堵住车位", "A",
             "security", None, None, None)):
        db.session.add(PublicInfoEntry(
            property_id=prop.id, received_at=now - timedelta(hours=hours),
            unit_id=rooms[room].id if room in rooms else None, caller_name=name,
            caller_phone=phone, reason=reason, category=cat, forwarded_to=fwd,
            completed_at=now - timedelta(hours=done) if done else None, completion=completion,
            work_order_no=order_no.serial_no if order_no is not None else None,
            receiver_id=clerk.id, created_by_id=clerk.id))


def _demo_patrols(prop: Property) -> None:
    """巡查区域 and two 公共区域巡查记录表 (idempotent): the car park has no butler
    (a vacant post); a reviewed patrol with a corridor light still out after four
    days; yesterday's patrol waiting for the manager's review."""
    from datetime import timedelta

    from models.base import utcnow
    from models.patrols import Patrol, PatrolArea, PatrolProblem

    if db.session.execute(select(PatrolArea).where(PatrolArea.property_id == prop.id)).first():
        return

    def staff(username: str) -> Staff:
        return db.session.execute(select(Staff).where(Staff.username == username)).scalar_one()

    butler, supervisor, manager = staff("butler"), staff("supervisor"), staff("dept_manager")
    garden, towers, garage = (
        PatrolArea(property_id=prop.id, name=name, scope=scope, butler_id=who,
                   created_by_id=manager.id)
        for name, scope, who in (("1栋及中心花园", "1栋大堂、楼道、中心花园", butler.id),
                                 ("2栋、3栋", "2栋、3栋大堂及楼道", supervisor.id),
                                 ("地下车库及会所", "负一层车库、会所", None)))
    db.session.add_all([garden, towers, garage])
    db.session.flush()
    now = utcnow().replace(second=0, microsecond=0)     # as typed into the form
    old = Patrol(property_id=prop.id, area_id=garden.id, butler_id=butler.id,
                 patrolled_at=now - timedelta(days=4), corridor_lights_ok=False,
                 corridor_lights_ok_note="1栋3楼楼道灯不亮", renovation="1-801 装修中，无违规",
                 reviewed_by_id=manager.id, reviewed_at=now - timedelta(days=3, hours=20),
                 review_opinion="请工程部三日内更换灯具，管家跟踪", created_by_id=butler.id,
                 created_at=now - timedelta(days=4))
    old.problems.append(PatrolProblem(
        property_id=prop.id, item="corridor_lights_ok", problem="楼道灯不亮",
        location="1栋3楼", forwarded_to="engineering", tracker_id=butler.id,
        created_by_id=butler.id, created_at=now - timedelta(days=4)))
    db.session.add(old)
    db.session.add(Patrol(property_id=prop.id, area_id=towers.id, butler_id=supervisor.id,
                          patrolled_at=now - timedelta(days=1), customer_info="2-302 业主反映快递柜满",
                          created_by_id=supervisor.id))
    db.session.flush()


def _demo_activities(prop: Property) -> None:
    """This year's 社区文化年度活动计划 (approved), next Christmas's 活动方案 (approved, owners
    not told yet) and the Mid-Autumn 社区文化活动记录表 (idempotent)."""
    from datetime import date, datetime
    from decimal import Decimal

    from i18n import local_today, local_to_utc
    from models.activities import ActivityPlan, ActivityPlanLine, ActivityProposal, ActivityRecord

    if db.session.execute(select(ActivityPlan).where(ActivityPlan.property_id == prop.id)).first():
        return
    manager = db.session.execute(select(Staff).where(Staff.username == "dept_manager")).scalar_one()
    year = local_today().year
    plan = ActivityPlan(property_id=prop.id, year=year, status="approved", applicant_id=manager.id,
                        created_by_id=manager.id, notes="每年 12 月编制下年度计划")
    for month, day, theme, budget in ((6, 1, "儿童节亲子游园", 3000), (9, 25, "中秋节游园会", 5000),
                                      (12, 24, "圣诞节亲子联欢会", 4000)):
        plan.lines.append(ActivityPlanLine(property_id=prop.id, planned_on=date(year, month, day),
                                           theme=theme, budget=Decimal(budget),
                                           created_by_id=manager.id))
    db.session.add(plan)
    db.session.add(ActivityProposal(
        property_id=prop.id, theme="圣诞节亲子联欢会", planned_on=date(year, 12, 24),
        content="会所大厅亲子手工、圣诞老人派发礼物", costs_materials="礼品 200 份、装饰物料",
        staffing="客服部 4 人、保安 2 人", budget=Decimal("4000"), status="approved",
        applicant_id=manager.id, created_by_id=manager.id))
    db.session.add(ActivityRecord(
        property_id=prop.id, theme="中秋节游园会", held_at=local_to_utc(datetime(year, 9, 25, 19)),
        place="中心花园", participants=120, leader_id=manager.id, visited_count=12,
        summary="猜灯谜、月饼手工制作，业主反映良好", album_no=f"{year}-03",
        report_submitted_at=local_to_utc(datetime(year, 9, 27, 10)), created_by_id=manager.id))
    db.session.flush()


def _demo_stock_and_orders(prop: Property) -> None:
    """Medicine box, bottled water and service orders (idempotent), made through the
    same rule functions the views use so stock and numbers are consistent."""
    from datetime import timedelta
    from decimal import Decimal

    from i18n import local_today
    from models.base import utcnow
    from models.medicine import MedicineBatch, MedicineBox, MedicineItem, MedicineUsage
    from models.service_orders import ServiceOrder, ServiceOrderLine, ServicePrice
    from models.water import WaterCount, WaterReceipt, WaterStock
    from rules import medicine, service_orders, water

    if db.session.execute(select(MedicineBox).where(MedicineBox.property_id == prop.id)).first():
        return

    def one(model, *where):
        return db.session.execute(select(model).where(*where)).scalars().first()

    clerk, clerk2 = one(Staff, Staff.username == "clerk"), one(Staff, Staff.username == "clerk2")
    security = one(Staff, Staff.username == "security")
    today, now = local_today(), utcnow()
    pid, by = prop.id, {"created_by_id": clerk.id}
    db.session.add(MedicineBox(property_id=pid, place="前台药箱（服务台下方柜）",
                               responsible_id=clerk.id, **by))
    batches = []
    for name, kind, spec, unit_name, min_stock, batch_no, expiry_days, qty in (
            ("创可贴", "medicine", "100片/盒", "盒", 1, "CK2025-07", 400, 2),
            ("碘伏消毒液", "medicine", "100ml", "瓶", 1, "DF2025-11", 20, 3),
            ("藿香正气水", "medicine", "10ml×10支", "盒", 2, "HX2024-05", 200, 1),
            ("电子体温计", "equipment", "MT-101", "支", 1, "TW-01", 900, 2),
            ("医用纱布", "medicine", "8cm×10cm", "包", 2, "SB2025-03", 300, 4)):
        item = MedicineItem(property_id=pid, name=name, kind=kind, specification=spec,
                            unit_name=unit_name, min_stock=min_stock, **by)
        db.session.add(item)
        db.session.flush()
        b = MedicineBatch(property_id=pid, item_id=item.id, batch_no=batch_no, quantity=qty,
                          expires_on=today + timedelta(days=expiry_days),
                          received_on=today - timedelta(days=60), **by)
        db.session.add(b)
        batches.append(b)
    db.session.flush()
    medicine.take_count(clerk, pid, {b.id: b.quantity for b in batches}, "", "月中清点")
    db.session.flush()
    usage = MedicineUsage(property_id=pid, batch=batches[0], quantity=1, recipient_name="张伟",
                          recipient_unit_id=one(Unit, Unit.room == "1-301").id,
                          reason="小区儿童擦伤", issued_by_id=clerk.id, issued_at=now,
                          expiry_reconfirmed=True, **by)
    db.session.add(usage)
    medicine.issue(usage)

    stock = WaterStock(property_id=pid, brand="娃哈哈", price_per_bucket=Decimal("15.00"),
                       low_threshold=10, place="管理处库房", **by)
    db.session.add(stock)
    db.session.flush()
    receipt = WaterReceipt(property_id=pid, stock=stock, quantity=30,
                           expires_on=today + timedelta(days=150), expiry_checked=True,
                           received_by_id=clerk.id, received_at=now - timedelta(days=2), **by)
    db.session.add(receipt)
    water.receive(receipt)
    db.session.flush()
    c = WaterCount(property_id=pid, stock=stock, counted=30, counted_by_id=clerk.id,
                   counted_at=now - timedelta(days=1), earliest_expiry=receipt.expires_on, **by)
    db.session.add(c)
    water.count(c)

    for item, unit_name, price, dept in (("疏通下水道", "次", "50.00", "engineering"),
                                        ("更换灯泡", "个", "10.00", "engineering"),
                                        ("空调清洗", "台", "80.00", "engineering"),
                                        ("家庭保洁", "小时", "40.00", "cleaning")):
        db.session.add(ServicePrice(property_id=pid, item=item, unit_name=unit_name,
                                    unit_price=Decimal(price), department=dept,
                                    effective_from=today - timedelta(days=90), **by))
    db.session.flush()
    prices = service_orders.current_prices(clerk)
    unit = one(Unit, Unit.room == "2-302")
    order = ServiceOrder(property_id=pid, kind="service", unit_id=unit.id, unit=unit,
                         customer_name=one(Occupant, Occupant.unit_id == unit.id).name,
                         customer_phone="13800000007", department="engineering",
                         staff_name="工程部 刘师傅", description="厨房下水道堵塞",
                         appointment_at=now - timedelta(days=1, hours=2),
                         created_at=now - timedelta(days=1, hours=3), **by)
    drain = next(p for p in prices if p.item == "疏通下水道")
    order.lines.append(ServiceOrderLine(property_id=pid, price=drain, quantity=1, **by))
    service_orders.price_lines(order)
    order.completed_at, order.customer_signed = now - timedelta(days=1), True
    order.serial_no = service_orders.next_serial(pid)
    db.session.add(order)
    unit2 = one(Unit, Unit.room == "3-801")
    wo = ServiceOrder(property_id=pid, kind="water", unit_id=unit2.id, unit=unit2,
                      customer_name=one(Occupant, Occupant.unit_id == unit2.id).name,
                      department="security", water_stock=stock, water_qty=2,
                      install_requested=True, created_at=now - timedelta(hours=5), **by)
    service_orders.water_line(wo)
    service_orders.price_lines(wo)
    wo.serial_no = service_orders.next_serial(pid)
    db.session.add(wo)
    db.session.flush()
    water.deliver(wo, security, now - timedelta(hours=4), 2, True, True)
    service_orders.settle(wo, clerk2, "sign_bill")
    db.session.flush()
    # an 急修 (no urgent word: the class is the desk's) and a 渗漏水 repair, completed
    # and not yet visited, so the 急修 list and the after-rain batch have something
    for room, desc, klass, hours in (("1-302", "卫生间水管爆裂，关总阀后更换", "urgent", 3),
                                     ("2-301", "卫生间墙面渗水，重做防水", "leak", 24 * 10)):
        u = one(Unit, Unit.room == room)
        rep = ServiceOrder(property_id=pid, kind="service", unit_id=u.id, unit=u,
                           customer_name=one(Occupant, Occupant.unit_id == u.id).name,
                           department="engineering", staff_name="工程部 刘师傅",
                           description=desc, repair_class=klass,
                           created_at=now - timedelta(hours=hours + 2), **by)
        rep.completed_at, rep.customer_signed = now - timedelta(hours=hours), True
        if klass == "leak":     # its 2-day call made; the visit after rain is still to come
            rep.followup_at, rep.followup_by_id = rep.completed_at + timedelta(days=1), clerk.id
            rep.sat_quality = rep.sat_timeliness = rep.sat_attitude = "satisfied"
        rep.serial_no = service_orders.next_serial(pid)
        db.session.add(rep)
    db.session.flush()


def _demo_exit_and_fees(prop: Property) -> None:
    """出门条, 住户搬出登记表, last month's 缴费通知单 and an 欠费催缴 case (idempotent),
    made through the rule functions the views use (numbers, the public-info line)."""
    from datetime import timedelta

    from i18n import local_today
    from models.base import utcnow
    from models.exit_pass import ExitPass, ExitPassItem, MoveOut
    from models.fees import ArrearsAttempt, ArrearsCase, FeeNotice
    from rules import exit_pass as pass_rules
    from rules import fees as fee_rules

    if db.session.execute(select(ExitPass).where(ExitPass.property_id == prop.id)).first():
        return
    clerk = db.session.execute(select(Staff).where(Staff.username == "clerk")).scalar_one()
    finance = db.session.execute(select(Staff).where(Staff.username == "finance")).scalar_one()
    butler = db.session.execute(select(Staff).where(Staff.username == "butler")).scalar_one()
    owners = {o.unit.room: o for o in db.session.execute(select(Occupant).where(
        Occupant.property_id == prop.id, Occupant.kind == "owner")).scalars()}
    mover = owners["3-301"]
    move = MoveOut(property_id=prop.id, unit=mover.unit, occupant=mover,
                   planned_on=local_today() + timedelta(days=3), phone=mover.phone,
                   reason="工作调动，举家迁往外地", goods="家具、电器、衣物约 40 箱",
                   created_by_id=clerk.id)
    with db.session.no_autoflush:
        pass_rules.check_move_out(move, clerk, True)
    db.session.add(move)
    owner = owners["2-301"]
    p = ExitPass(property_id=prop.id, purpose="construction", unit=owner.unit,
                 company="鑫盛装饰工程公司", holder_name="周师傅", id_number="440301198001011234",
                 gate="main", plate="粤B12345", owner=owner,
                 confirm_called_at=utcnow() - timedelta(minutes=20), confirm_result="agreed",
                 created_by_id=clerk.id)
    p.items = [ExitPassItem(property_id=prop.id, name="电钻", quantity=2, created_by_id=clerk.id),
               ExitPassItem(property_id=prop.id, name="剩余瓷砖（箱）", quantity=5,
                            created_by_id=clerk.id)]
    with db.session.no_autoflush:
        pass_rules.issue(p, clerk)
    db.session.add(p)
    last = local_today().replace(day=1) - timedelta(days=1)
    fee_rules.generate_month(finance, last.year, last.month)
    db.session.flush()
    notices = db.session.execute(select(FeeNotice).where(
        FeeNotice.property_id == prop.id).order_by(FeeNotice.id)).scalars().all()
    for n in notices[:-2]:                     # all but two paid and confirmed
        fee_rules.check_account(n, butler)
        fee_rules.deliver(n, "mailbox", utcnow())
        fee_rules.record_payment(n, n.amount_due, utcnow(), butler)
        fee_rules.confirm_payment(n, finance)
    late = notices[-1]
    case = ArrearsCase(property_id=prop.id, unit=late.unit, months=7, amount=late.amount_due * 7,
                       since=local_today().replace(day=1) - timedelta(days=200), cause="owner",
                       created_by_id=butler.id)
    case.attempts = [ArrearsAttempt(property_id=prop.id, at=utcnow() - timedelta(days=30),
                                    method="phone", staff_name=butler.full_name,
                                    result="业主称月底前缴清", created_by_id=butler.id)]
    db.session.add(case)
def _demo_owner_files(prop: Property, north: Property) -> None:
    """业主基本情况登记表: a complete 重要 file with family, an incomplete one, a file at
    the other property, and a loan waiting for approval (idempotent)."""
    from datetime import timedelta

    from i18n import local_today
    from models.owner_files import ImportantFileLoan, OccupantFamilyMember

    if db.session.execute(select(OccupantFamilyMember)).first():
        return
    today = local_today()

    def occupant(room: str) -> Occupant:
        return db.session.execute(select(Occupant).join(Unit).where(
            Unit.room == room, Unit.property_id == prop.id)).scalars().first()

    butler = db.session.execute(select(Staff).where(Staff.username == "butler")).scalar_one()
    full = occupant("1-301")
    full.id_type, full.id_number = "id_card", "440305198001011234"
    full.moved_in_on, full.employer = today - timedelta(days=400), "深圳翠湖科技有限公司"
    full.address, full.phone2 = "深圳市南山区翠湖路 1 号 1-301", "0755-26660001"
    full.emergency_name, full.emergency_phone = "张强", "13900000088"
    full.emergency_address, full.fee_cycle = "深圳市福田区莲花路 8 号", "quarter"
    full.title_filed, full.title_filed_on = True, today - timedelta(days=380)
    full.paper_location, full.secrecy, full.keeper_id = "业主档案柜 A-01", "important", butler.id
    for name, relation, born, phone in (("李梅", "配偶", today.replace(year=1982, day=1), None),
                                        ("张小宇", "儿子", today.replace(year=2012, day=1),
                                         "13900000099")):
        db.session.add(OccupantFamilyMember(property_id=prop.id, occupant_id=full.id, name=name,
                                            relation=relation, birthday=born, phone=phone))
    late = occupant("1-302")
    late.moved_in_on = today - timedelta(days=60)            # 入住两月, 档案仍不全
    building = Building(property_id=north.id, name="A座", floors=30)
    db.session.add(building)
    db.session.flush()
    unit = Unit(property_id=north.id, building_id=building.id, room="A-101", floor=1)
    db.session.add(unit)
    db.session.flush()
    db.session.add(Occupant(property_id=north.id, unit_id=unit.id, name="钱多多", kind="owner",
                            phone="13700000001"))
    db.session.add(ImportantFileLoan(property_id=prop.id, occupant_id=full.id,
                                     applicant_id=butler.id, created_by_id=butler.id,
                                     reason="核对产权备案资料", secrecy="important",
                                     due_on=today + timedelta(days=3)))
    # 业主档案查阅记录: the butler opened 1-301's file (what the auditor reads there)
    from models.base import utcnow
    from models.owner_files import OwnerFileAccess

    db.session.add(OwnerFileAccess(property_id=prop.id, occupant_id=full.id, staff_id=butler.id,
                                   opened_at=utcnow() - timedelta(days=1), kind="details"))


def _demo_handover(prop: Property) -> None:
    """A co-signed 交接班记录表 from clerk to clerk2 with one open matter (idempotent):
    its sections computed by the same rules the form uses."""
    from datetime import timedelta

    from models.base import utcnow
    from models.handover import HandoverMatter, ShiftHandover
    from rules import handover as handover_rules

    if db.session.execute(select(ShiftHandover).where(
            ShiftHandover.property_id == prop.id)).first():
        return
    clerk, clerk2, butler = (db.session.execute(select(Staff).where(
        Staff.username == name)).scalar_one() for name in ("clerk", "clerk2", "butler"))
    h = ShiftHandover(property_id=prop.id, shift="day", handed_over_at=utcnow() - timedelta(
        minutes=30), outgoing=clerk, incoming=clerk2, duty_log="白班平稳；水泵房钥匙保安夜巡借出未还",
        deposits_checked=True, charged_orders_handed=True, created_by_id=clerk.id)
    h.matters.append(HandoverMatter(property_id=prop.id, text="3-801 投诉夜间车辆乱停，待保安回复",
                                    butler=butler, orally_handed=True, created_by_id=clerk.id))
    with db.session.no_autoflush:
        h.keys_counted = handover_rules.keys_at_desk(h, clerk)["expected"]
        handover_rules.check_handover(h, clerk)
    h.cosigned_by, h.cosigned_at, h.cosign_method = clerk2, utcnow(), "pin"
    db.session.add(h)
def _demo_mail_and_notices(prop: Property) -> None:
    """邮件签收表, 订阅单, 报刊分发表, a 重要信息 and its 发文记录 (idempotent): a parcel
    delivered and signed, one waiting, a paid subscription, this morning's round, and an
    water-cut notice waiting for approval."""
    from datetime import date, timedelta
    from decimal import Decimal

    from models.base import utcnow
    from models.mail import Distribution, MailItem, Subscription
    from models.notices import ImportantNotice, NoticeDispatch
    from rules.sequence import next_number

    if db.session.execute(select(MailItem).where(MailItem.property_id == prop.id)).first():
        return
    one = lambda name: db.session.execute(select(Staff).where(  # noqa: E731
        Staff.username == name)).scalar_one()
    courier, clerk = one("courier"), one("clerk")
    rooms = {u.room: u for u in db.session.execute(select(Unit).join(Building).where(
        Building.property_id == prop.id)).scalars()}
    room = next(iter(rooms.values()))
    now = utcnow()
    for hours, kind, carrier, no, name, signer in (
            (5, "express", "顺丰速运", "SF1000000001", "王女士", "王女士"),
            (2, "parcel", "中通快递", "ZT2000000002", "张先生", None)):
        item = MailItem(property_id=prop.id, received_at=now - timedelta(hours=hours),
                        kind=kind, carrier=carrier, tracking_no=no, recipient_name=name,
                        unit_id=room.id, received_by_id=courier.id, created_by_id=courier.id,
                        delivered_at=now - timedelta(hours=hours) + timedelta(minutes=8)
                        if signer else None, signer=signer,
                        delivered_by_id=courier.id if signer else None)
        item.serial_no = next_number("mail_item", prop.id, MailItem.serial_no)
        db.session.add(item)
        db.session.flush()
    today = date.today()
    db.session.add(Subscription(
        property_id=prop.id, unit_id=room.id, subscriber="王女士", title="深圳特区报",
        copies=1, period_from=today.replace(month=1, day=1),
        period_until=today.replace(month=12, day=31), amount=Decimal("360.00"), paid_at=now - timedelta(
            days=30), ordered_by_id=courier.id, created_by_id=courier.id))
    # a notice waiting in the department manager's 待我审批 (nothing is sent before)
    notice = ImportantNotice(
        property_id=prop.id, title="3号楼周四停水通知", category="outage",
        content="因二次供水设备检修，本周四 9:00–15:00 3号楼停水，请提前储水。",
        channels="written", valid_from=today, valid_until=today + timedelta(days=3),
        sealed=True, status="pending", applicant_id=clerk.id, created_by_id=clerk.id)
    notice.serial_no = next_number("important_notice", prop.id, ImportantNotice.serial_no)
    db.session.add(notice)
    # last month's notice, approved on paper before the registers were kept here, sent
    # in writing and confirmed (已完成)
    done = ImportantNotice(
        property_id=prop.id, title="小区宠物管理规定", category="policy",
        content="请文明养犬，出户牵绳，及时清理宠物粪便。", channels="written",
        valid_from=today - timedelta(days=30), sealed=True, status="approved",
        decided_at=now - timedelta(days=30), applicant_id=clerk.id, created_by_id=clerk.id,
        completed_at=now - timedelta(days=29))
    done.serial_no = next_number("important_notice", prop.id, ImportantNotice.serial_no)
    db.session.add(done)
    db.session.flush()
    db.session.add(NoticeDispatch(
        property_id=prop.id, notice_id=done.id, channel="written", scope="全体住户",
        copies=300, sender_id=courier.id, sent_at=now - timedelta(days=29),
        created_by_id=courier.id))
    db.session.add(Distribution(
        property_id=prop.id, day=today - timedelta(days=1), round="am", unit_id=room.id,
        title="深圳特区报", copies=1, delivered_at=now - timedelta(days=1), signer="王女士",
        created_by_id=courier.id))
def _demo_complaints(prop: Property) -> None:
    """客户投诉处理记录表, 内部联络单, 客户回访记录表 (idempotent): a minor complaint
    handled, visited and closed; an important one routed to engineering by a memo,
    still open; New Year's Day in the work calendar."""
    from datetime import date, timedelta

    from models.base import utcnow
    from models.complaints import Complaint, WorkCalendarDay
    from models.followups import FollowUpVisit
    from models.memos import InternalMemo
    from rules import complaints, memos

    if db.session.execute(select(Complaint).where(Complaint.property_id == prop.id)).first():
        return
    clerk, sup = (db.session.execute(select(Staff).where(Staff.username == u)).scalar_one()
                  for u in ("clerk", "supervisor"))
    unit = db.session.execute(select(Unit).join(Building).where(
        Building.property_id == prop.id).order_by(Unit.id)).scalars().first()
    now = utcnow()
    db.session.add(WorkCalendarDay(property_id=prop.id, day=date(now.year + 1, 1, 1),
                                   working=False, note="元旦", created_by_id=sup.id))
    done = Complaint(property_id=prop.id, received_at=now - timedelta(days=3), channel="phone",
                     unit=unit, complainant="陈先生", phone="13800000031",
                     content="楼道垃圾未及时清运，有异味", category="environment",
                     severity="minor", receiver_id=clerk.id, recorder_id=clerk.id,
                     handling="已通知保洁当日清运并加强巡查",
                     resolved_at=now - timedelta(days=3) + timedelta(hours=5),
                     first_reply_at=now - timedelta(days=3) + timedelta(hours=1),
                     created_by_id=clerk.id)
    open_one = Complaint(property_id=prop.id, received_at=now - timedelta(hours=5),
                         channel="in_person", unit=unit, complainant="周女士",
                         phone="13800000032", content="卫生间天花板渗水，楼上住户不配合",
                         category="engineering", severity="important", receiver_id=clerk.id,
                         recorder_id=clerk.id, created_by_id=clerk.id)
    for c in (done, open_one):
        complaints.set_deadlines(c)
        complaints.number(c)
        db.session.add(c)
    db.session.flush()
    memo = InternalMemo(property_id=prop.id, from_department="customer_service",
                        sender_id=clerk.id, to_department="engineering",
                        recipient_name="工程部刘师傅", sent_at=open_one.received_at
                        + timedelta(minutes=20), content="请上门查看渗水原因并协调楼上住户",
                        due_at=now + timedelta(days=1), complaint_id=open_one.id,
                        created_by_id=clerk.id)
    memos.number(memo)
    db.session.add(memo)
    open_one.memo_sent_at = memo.sent_at
    db.session.add(FollowUpVisit(property_id=prop.id, kind="complaint", complaint_id=done.id,
                                 unit=unit, visited_at=now - timedelta(days=2), method="phone",
                                 visitor_id=sup.id, satisfaction="satisfied",
                                 due_on=(now - timedelta(days=1)).date(),
                                 created_by_id=sup.id))
    done.closed_at, done.closed_by_id, done.owner_confirmed = now - timedelta(days=2), sup.id, True
    done.first_visit_at = now - timedelta(days=2)
    _demo_loss_report(prop, clerk, unit, now)


def _demo_loss_report(prop, clerk, unit, now) -> None:
    """A complaint with a loss over 500 yuan and its 不合格品/服务记录处理单, waiting
    for the department manager's analysis."""
    from datetime import timedelta
    from decimal import Decimal

    from models.complaints import Complaint, ComplaintLossReport
    from rules import complaints

    c = Complaint(property_id=prop.id, received_at=now - timedelta(days=1), channel="phone",
                  unit=unit, complainant="孙先生", phone="13800000033",
                  content="维修空调时损坏业主木地板", category="engineering", severity="important",
                  receiver_id=clerk.id, recorder_id=clerk.id, loss_amount=Decimal("800.00"),
                  handling="已向业主致歉并约定赔偿", created_by_id=clerk.id,
                  resolved_at=now - timedelta(hours=20))
    complaints.set_deadlines(c)
    complaints.number(c)
    db.session.add(c)
    db.session.flush()
    db.session.add(ComplaintLossReport(
        property_id=prop.id, complaint_id=c.id, applicant_id=clerk.id, created_by_id=clerk.id,
        nonconformity="维修时未铺设保护垫，划伤木地板", cause_analysis="维修人员未按作业规程操作",
        corrective_action="赔偿业主并对工程部进行作业规程培训", responsible="工程部刘师傅",
        deadline=(now + timedelta(days=7)).date()))


def _demo_followup_batches(prop: Property) -> None:
    """回访批次 (idempotent): this year's National Day greeting sent by SMS."""
    from datetime import date

    from models.followup_batches import FollowUpBatch

    if db.session.execute(select(FollowUpBatch).where(
            FollowUpBatch.property_id == prop.id)).first():
        return
    butler = db.session.execute(select(Staff).where(Staff.username == "butler")).scalar_one()
    db.session.add(FollowUpBatch(property_id=prop.id, kind="holiday",
                                 held_on=date(date.today().year - 1, 10, 1),
                                 festival="national_day", greeting_method="sms",
                                 greeting="国庆节快乐，阖家安康！", created_by_id=butler.id))


def _demo_butler_areas(prop: Property) -> None:
    """区域管家分区: the demo butler looks after every building of the demo property."""
    from models.fee_areas import ButlerBuilding

    butler = db.session.execute(select(Staff).where(Staff.username == "butler")).scalar_one()
    for b in db.session.execute(select(Building).where(Building.property_id == prop.id)
                                .order_by(Building.name)).scalars():
        if db.session.execute(select(ButlerBuilding.id).where(
                ButlerBuilding.building_id == b.id)).first() is None:
            db.session.add(ButlerBuilding(property_id=prop.id, building_id=b.id,
                                          butler_id=butler.id, created_by_id=butler.id))


def _demo_rate_and_tidy(prop: Property) -> None:
    """A collection rate confirmed by finance two months ago and last quarter's tidy."""
    from datetime import datetime, time, timedelta

    from i18n import local_to_utc, local_today
    from models.base import utcnow
    from models.fee_areas import FeeRateConfirmation, OwnerFileTidy
    from rules.owner_file_tidy import quarter_of

    def staff(username: str) -> Staff:
        return db.session.execute(select(Staff).where(Staff.username == username)).scalar_one()

    if db.session.execute(select(FeeRateConfirmation.id).where(
            FeeRateConfirmation.property_id == prop.id)).first() is None:
        first = local_today().replace(day=1)
        earlier = (first - timedelta(days=1)).replace(day=1) - timedelta(days=1)
        sup, fin, now = staff("supervisor"), staff("finance"), utcnow()
        db.session.add(FeeRateConfirmation(
            property_id=prop.id, period=f"{earlier:%Y-%m}", figures="[]", prepared_by_id=sup.id,
            prepared_at=now - timedelta(days=30), cosigned_by_id=fin.id,
            cosigned_at=now - timedelta(days=29), cosign_method="session",
            created_by_id=sup.id))
        # the last quarter's (two months back is this quarter in its last month)
        last_q = first.replace(month=(first.month - 1) // 3 * 3 + 1) - timedelta(days=5)
        db.session.add(OwnerFileTidy(
            property_id=prop.id, quarter=quarter_of(last_q),
            files_checked=18, files_updated=2, details="1–3栋全部档案；更新 1-301、2-302 电话",
            done_by_id=sup.id, done_at=local_to_utc(datetime.combine(last_q, time(10))),
            created_by_id=sup.id))


def _demo_front_desk_rules(prop: Property) -> None:
    """The property's shift times (the guide's 08:00 / 20:00, 10 minutes early), the
    supervisor's 已阅 of the demo handover, last quarter's confirmed complaint analysis
    (idempotent)."""
    from datetime import time, timedelta

    from i18n import local_today
    from models.base import utcnow
    from models.complaints import ComplaintSummary
    from models.handover import HandoverRead, ShiftHandover, ShiftSetting
    from rules.complaint_summaries import quarter_first

    if db.session.execute(select(ShiftSetting).where(
            ShiftSetting.property_id == prop.id)).first():
        return
    sup, dm = (db.session.execute(select(Staff).where(Staff.username == name)).scalar_one()
               for name in ("supervisor", "dept_manager"))
    db.session.add(ShiftSetting(property_id=prop.id, day_starts=time(8), night_starts=time(20),
                                lead_minutes=10, created_by_id=dm.id))
    h = db.session.execute(select(ShiftHandover).where(
        ShiftHandover.property_id == prop.id).order_by(ShiftHandover.id)).scalars().first()
    if h is not None:
        db.session.add(HandoverRead(property_id=prop.id, handover=h, staff_id=sup.id,
                                    read_at=utcnow(), created_by_id=sup.id))
    last = quarter_first(quarter_first(local_today()) - timedelta(days=1))
    db.session.add(ComplaintSummary(property_id=prop.id, kind="quarter", period_start=last,
                                    conclusion="上季度无重复投诉", confirmed_by_id=dm.id,
                                    confirmed_at=utcnow(), created_by_id=sup.id))
