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
        _demo_complaints(prop)
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
