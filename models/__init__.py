"""All models.  One module per domain; importing this package maps them all."""
from .base import db  # noqa: F401
from .reference import Building, Occupant, Property, Unit  # noqa: F401
from .staff import LoginState, Staff  # noqa: F401
from .audit import AuditCheckpoint, AuditEntry, AuditVerifyJob  # noqa: F401
from .workflow import ApprovalDecision  # noqa: F401
from .keys import (Key, KeyApplication, KeyApplicationItem, KeyCheckout,  # noqa: F401
                   KeySpotCheck, SpareKeyAuthorisation)
from .custody import CustodyAgreement, CustodyInspection, VacantHomeInspection  # noqa: F401
from .valuables import DepositPhoto, ValuablesDeposit  # noqa: F401
from .medicine import (MedicineBox, MedicineBatch, MedicineCount, MedicineCountLine,  # noqa: F401
                       MedicineItem, MedicineUsage)
from .water import WaterCount, WaterReceipt, WaterStock  # noqa: F401
from .service_orders import (ServiceOrder, ServiceOrderLine, ServiceOrderSequence,  # noqa: F401
                             ServicePrice)
from .public_info import PublicInfoEntry  # noqa: F401
from .patrols import Patrol, PatrolArea, PatrolProblem  # noqa: F401
from .activities import (ActivityPhoto, ActivityPlan, ActivityPlanLine,  # noqa: F401
                         ActivityProposal, ActivityRecord)
from .ops import BackupRun, StoredBlob  # noqa: F401
from .sequence import RegisterSequence  # noqa: F401
from .exit_pass import ExitPass, ExitPassItem, MoveOut  # noqa: F401
from .fees import ArrearsAttempt, ArrearsCase, FeeNotice, FeeNoticeLine, FeeNoticeMonth  # noqa: F401
from .owner_files import (ImportantFileLoan, OccupantFamilyMember, OwnerFileAccess,  # noqa: F401
                          OwnerFileLoan, SecretFileLoan)
from .handover import HandoverMatter, HandoverRead, ShiftHandover, ShiftSetting  # noqa: F401
from .mail import (Distribution, DistributionListCheck, MailArchive, MailItem,  # noqa: F401
                   Subscription)
from .notices import ImportantNotice, NoticeAttachment, NoticeDispatch  # noqa: F401
from .complaints import (Complaint, ComplaintLossReport, ComplaintSummary,  # noqa: F401
                         WorkCalendarDay)
from .memos import InternalMemo  # noqa: F401
from .followups import FollowUpVisit  # noqa: F401
from .saved_filters import SavedFilter  # noqa: F401
from .key_borrowers import KeyCheckoutBorrower  # noqa: F401
from .followup_batches import FollowUpBatch, FollowUpBatchUnit  # noqa: F401
from .fee_areas import ButlerBuilding, FeeRateConfirmation, OwnerFileTidy  # noqa: F401
