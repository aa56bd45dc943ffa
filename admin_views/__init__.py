"""The admin panel: one view class per register, all built on ``base.RegisterView``.

To add a register: a model in ``models/<domain>.py``, a view class in
``admin_views/<domain>.py`` (declarative options only), a row in
``rules/matrix.py`` and a line in ``VIEWS`` below.
"""
from __future__ import annotations

from flask import Flask
from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme
from flask_babel import lazy_gettext as _l

from models import AuditEntry, Building, Occupant, Property, Staff, Unit
from models.custody import CustodyAgreement, CustodyInspection, VacantHomeInspection
from models.valuables import ValuablesDeposit
from models.keys import Key, KeyApplication, KeyCheckout, KeySpotCheck, SpareKeyAuthorisation
from models.medicine import MedicineBatch, MedicineBox, MedicineCount, MedicineItem, MedicineUsage
from models.service_orders import ServiceOrder, ServicePrice
from models.public_info import PublicInfoEntry
from models.patrols import Patrol, PatrolArea
from models.activities import ActivityPlan, ActivityProposal, ActivityRecord
from models.handover import ShiftHandover, ShiftSetting
from models.water import WaterCount, WaterReceipt, WaterStock

from web_security import csp_nonce

from .approvals import ApprovalsView
from .audit_log import AuditChainView, AuditLogView
from .base import SecureIndexView
from .custody import (CustodyAgreementView, CustodyInspectionView, InspectionsDueView,
                      VacantHomeInspectionView)
from .valuables import InCustodyView, ValuablesDepositView
from .key_applications import KeyApplicationView, KeySpotCheckView, SpareKeyAuthorisationView
from .keys import KeyCheckoutView, KeyDeskView, KeyView
from .medicine import (MedicineBatchView, MedicineBoxView, MedicineCountView, MedicineDueView,
                       MedicineItemView, MedicineUsageView)
from .public_info import PublicInfoView
from .patrols import PatrolAreaView, PatrolsDueView, PatrolView
from .activities import (ActivitiesDueView, ActivityPlanView, ActivityProposalView,
                         ActivityRecordView)
from .handover import ShiftHandoverView
from .handover_settings import ShiftSettingView
from .complaints import ComplaintLossReportView, ComplaintView, WorkCalendarView
from .complaint_summaries import ComplaintSummaryView
from .memos import InternalMemoView
from .followups import FollowUpDueView, FollowUpVisitView
from .followup_batches import FollowUpBatchView
from models.complaints import Complaint, ComplaintLossReport, ComplaintSummary, WorkCalendarDay
from models.memos import InternalMemo
from models.followups import FollowUpVisit
from models.followup_batches import FollowUpBatch
from .service_orders import ServiceOrderView, ServicePriceView
from .service_pages import FinanceView, ServiceDueView, ServiceOrderGapsView
from .water import (WaterCountView, WaterDeliveryView, WaterDueView, WaterOrderView,
                    WaterReceiptView, WaterStockView)
from models.exit_pass import ExitPass, MoveOut
from .exit_pass import ExitPassGateView, ExitPassView
from .move_out import MoveOutView
from models.fees import ArrearsCase, FeeNotice
from .fees import ArrearsCaseView, FeeNoticeView, FeeRatesView
from .reference import BuildingView, PropertyView, UnitView
from .owner_files import OwnerFileView
from .owner_file_loans import OwnerFileAccessView, OwnerFileLoanView, OwnerFilesDueView
from models.owner_files import OwnerFileAccess, OwnerFileLoan
from .fee_areas import ButlerBuildingView, FeeRateConfirmationView, OwnerFileTidyView
from models.fee_areas import ButlerBuilding, FeeRateConfirmation, OwnerFileTidy
from models.mail import Distribution, MailItem, Subscription
from models.notices import ImportantNotice, NoticeDispatch
from .mail import MailItemView
from .newspapers import DistributionView, SubscriptionView
from .notices import ImportantNoticeView, NoticeDispatchView
from .staff import StaffView
from .saved_filters import SavedFilterView, saved_filters_for

REFERENCE = _l("Reference data")
SYSTEM = _l("System")
KEYS = _l("Keys")
HOMES = _l("Custodial homes")
VALUABLES = _l("Valuables")
MEDICINE = _l("Medicine box")
WATER = _l("Bottled water")
ORDERS = _l("Service orders")
FRONT_DESK = _l("Front desk")
PATROLS = _l("Patrols")
ACTIVITIES = _l("Community activities")
MOVING_OUT = _l("Goods leaving")
FEES = _l("Fees and arrears")
OWNER_FILES = _l("Owner files")
MAIL = _l("Mail and notices")
COMPLAINTS = _l("Complaints and follow-up visits")

# The navbar's dropdowns: each gathers the categories listed, under their own
# headers, so the bar stays on one line at 1366 px (admin_views/menu.py).
MENU_SECTIONS = [
    (_l("Front-desk duty"), [FRONT_DESK, PATROLS, MAIL]),
    (_l("Keys and custody"), [KEYS, HOMES, VALUABLES]),
    (_l("Services and supplies"), [ORDERS, WATER, MEDICINE]),
    (COMPLAINTS, [COMPLAINTS]),
    (_l("Owners and fees"), [OWNER_FILES, FEES, MOVING_OUT]),
    (ACTIVITIES, [ACTIVITIES]),
    (SYSTEM, [REFERENCE, SYSTEM]),
]

# (view class, model or None for a plain page, menu name, menu category, endpoint)
VIEWS = [
    (ApprovalsView, None, _l("My approvals"), None, "approvals"),
    (PublicInfoView, PublicInfoEntry, _l("Public information log"), FRONT_DESK, "public_info"),
    (ExitPassView, ExitPass, _l("Exit pass"), MOVING_OUT, "exit_pass"),
    (ExitPassGateView, None, _l("Gate release"), MOVING_OUT, "exit_pass_gate"),
    (MoveOutView, MoveOut, _l("Occupant move-out register"), MOVING_OUT, "move_out"),
    (FeeNoticeView, FeeNotice, _l("Fee notices"), FEES, "fee_notice"),
    (ArrearsCaseView, ArrearsCase, _l("Arrears collection"), FEES, "arrears_case"),
    (FeeRatesView, None, _l("Collection rate"), FEES, "fee_rates"),
    (FeeRateConfirmationView, FeeRateConfirmation, _l("Collection rate confirmation"), FEES,
     "fee_rate_confirmation"),
    (ButlerBuildingView, ButlerBuilding, _l("Butlers' buildings"), FEES, "butler_building"),
    (ShiftHandoverView, ShiftHandover, _l("Shift handover log"), FRONT_DESK, "shift_handover"),
    (ShiftSettingView, ShiftSetting, _l("Shift times"), FRONT_DESK, "shift_setting"),
    (MailItemView, MailItem, _l("Mail sign-for sheet"), MAIL, "mail_item"),
    (DistributionView, Distribution, _l("Newspaper distribution sheet"), MAIL, "distribution"),
    (SubscriptionView, Subscription, _l("Newspaper/magazine subscription form"), MAIL,
     "subscription"),
    (ImportantNoticeView, ImportantNotice, _l("Important notices"), MAIL, "important_notice"),
    (NoticeDispatchView, NoticeDispatch, _l("Dispatch record"), MAIL, "notice_dispatch"),
    (ComplaintView, Complaint, _l("Customer complaint record"), COMPLAINTS, "complaint"),
    (ComplaintSummaryView, ComplaintSummary, _l("Complaint summary"), COMPLAINTS,
     "complaint_summary"),
    (InternalMemoView, InternalMemo, _l("Internal memo"), COMPLAINTS, "internal_memo"),
    (FollowUpVisitView, FollowUpVisit, _l("Customer follow-up visit record"), COMPLAINTS,
     "followup_visit"),
    (FollowUpDueView, None, _l("Follow-up visits: due and rates"), COMPLAINTS, "followup_due"),
    (FollowUpBatchView, FollowUpBatch, _l("Follow-up batches: after rain, festivals"),
     COMPLAINTS, "followup_batch"),
    (ComplaintLossReportView, ComplaintLossReport, _l("Nonconformity / service record report"),
     COMPLAINTS, "complaint_loss_report"),
    (WorkCalendarView, WorkCalendarDay, _l("Holidays and working days"), COMPLAINTS,
     "work_calendar"),
    (KeyDeskView, None, _l("Key desk"), KEYS, "key_desk"),
    (KeyView, Key, _l("Key register"), KEYS, "key"),
    (KeyCheckoutView, KeyCheckout, _l("Key checkout log"), KEYS, "key_checkout"),
    (KeyApplicationView, KeyApplication, _l("Key application"), KEYS, "key_application"),
    (SpareKeyAuthorisationView, SpareKeyAuthorisation, _l("Spare-key authorisation"), KEYS,
     "spare_key_authorisation"),
    (KeySpotCheckView, KeySpotCheck, _l("Key spot checks"), KEYS, "key_spot_check"),
    (PatrolsDueView, None, _l("Patrols due"), PATROLS, "patrols_due"),
    (PatrolView, Patrol, _l("Public-area patrol record"), PATROLS, "patrol"),
    (PatrolAreaView, PatrolArea, _l("Patrol areas"), PATROLS, "patrol_area"),
    (ActivitiesDueView, None, _l("Activities due"), ACTIVITIES, "activities_due"),
    (ActivityRecordView, ActivityRecord, _l("Community activity record"), ACTIVITIES,
     "activity_record"),
    (ActivityProposalView, ActivityProposal, _l("Activity proposal"), ACTIVITIES,
     "activity_proposal"),
    (ActivityPlanView, ActivityPlan, _l("Community activity annual plan"), ACTIVITIES,
     "activity_plan"),
    (InspectionsDueView, None, _l("Inspections due"), HOMES, "inspections_due"),
    (CustodyAgreementView, CustodyAgreement, _l("Key custody agreement"), HOMES,
     "custody_agreement"),
    (CustodyInspectionView, CustodyInspection, _l("Custodial-home inspection log"), HOMES,
     "custody_inspection"),
    (VacantHomeInspectionView, VacantHomeInspection, _l("Vacant-home inspection"), HOMES,
     "vacant_home_inspection"),
    (InCustodyView, None, _l("Items in custody now"), VALUABLES, "in_custody"),
    (ValuablesDepositView, ValuablesDeposit, _l("Valuables deposit register"), VALUABLES,
     "valuables_deposit"),
    (MedicineDueView, None, _l("Medicine box: due"), MEDICINE, "medicine_due"),
    (MedicineUsageView, MedicineUsage, _l("Medicine usage log"), MEDICINE, "medicine_usage"),
    (MedicineItemView, MedicineItem, _l("Medicine list"), MEDICINE, "medicine_item"),
    (MedicineBatchView, MedicineBatch, _l("Medicine batches"), MEDICINE, "medicine_batch"),
    (MedicineCountView, MedicineCount, _l("Medicine stock counts"), MEDICINE, "medicine_count"),
    (MedicineBoxView, MedicineBox, _l("Medicine box and responsible person"), MEDICINE,
     "medicine_box"),
    (WaterDueView, None, _l("Bottled water: due and monthly use"), WATER, "water_due"),
    (WaterOrderView, ServiceOrder, _l("Water orders"), WATER, "water_order"),
    (WaterDeliveryView, None, _l("Water deliveries"), WATER, "water_delivery"),
    (WaterStockView, WaterStock, _l("Bottled water stock"), WATER, "water_stock"),
    (WaterReceiptView, WaterReceipt, _l("Water receipts"), WATER, "water_receipt"),
    (WaterCountView, WaterCount, _l("Water stock counts"), WATER, "water_count"),
    (ServiceDueView, None, _l("Service orders: due"), ORDERS, "service_due"),
    (ServiceOrderView, ServiceOrder, _l("Service orders"), ORDERS, "service_order"),
    (ServicePriceView, ServicePrice, _l("Special services and charges"), ORDERS,
     "service_price"),
    (ServiceOrderGapsView, None, _l("Service-order number gaps"), ORDERS, "service_order_gaps"),
    (FinanceView, None, _l("Finance: charged orders and sign-bills"), ORDERS, "finance"),
    (OwnerFileView, Occupant, _l("Owner files"), OWNER_FILES, "occupant"),
    (OwnerFileLoanView, OwnerFileLoan, _l("Owner file borrowing"), OWNER_FILES,
     "owner_file_loan"),
    (OwnerFileAccessView, OwnerFileAccess, _l("Owner file access log"), OWNER_FILES,
     "owner_file_access"),
    (OwnerFilesDueView, None, _l("Owner files: due"), OWNER_FILES, "owner_files_due"),
    (OwnerFileTidyView, OwnerFileTidy, _l("Owner files: quarterly tidy"), OWNER_FILES,
     "owner_file_tidy"),
    (PropertyView, Property, _l("Properties"), REFERENCE, "property"),
    (BuildingView, Building, _l("Buildings"), REFERENCE, "building"),
    (UnitView, Unit, _l("Units"), REFERENCE, "unit"),
    (StaffView, Staff, _l("Staff"), SYSTEM, "staff"),
    (AuditLogView, AuditEntry, _l("Audit log"), SYSTEM, "audit_log"),
    (AuditChainView, None, _l("History chain status"), SYSTEM, "audit_chain"),
    (SavedFilterView, None, _l("Saved filters"), SYSTEM, "saved_filter"),
]


def init_admin(app: Flask) -> Admin:
    admin = Admin(
        app,
        name=_l("Property customer-service registers"),
        theme=Bootstrap4Theme(base_template="admin/kefu_master.html", fluid=True),
        index_view=SecureIndexView(name=_l("To do"), url="/admin"),
        translations_path=app.config["KEFU_TRANSLATIONS"],
        csp_nonce_generator=csp_nonce,   # Flask-Admin's inline scripts carry our nonce
    )
    from admin_views import list_page
    from admin_views.menu import cached_menu, menu_sections

    app.jinja_env.globals.update(
        cached_menu=cached_menu, menu_sections=lambda: menu_sections(admin, MENU_SECTIONS),
        static_url=list_page.static_url,
        list_pager=list_page.pager, list_simple_pager=list_page.simple_pager,
        list_header_cells=list_page.header_cells, saved_filters_for=saved_filters_for)
    from admin_views.nav_counts import nav_counts

    app.jinja_env.globals.update(nav_counts=nav_counts)   # the navbar's counts
    for view_cls, model, name, category, endpoint in VIEWS:
        if model is None:
            admin.add_view(view_cls(name=name, category=category, endpoint=endpoint))
        else:
            admin.add_view(view_cls(model, name=name, category=category, endpoint=endpoint))
    from admin_views.labels import label_ajax_fields

    label_ajax_fields(admin)
    return admin
