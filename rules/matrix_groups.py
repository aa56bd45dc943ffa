"""The named groups of roles the role matrix is composed of (django-rules style
predicates: ``desk | auditor``)."""
from __future__ import annotations

from .predicates import has_role
from .roles import MANAGERS

admin = has_role("admin")
auditor = has_role("auditor")
managers = has_role(*MANAGERS)
desk = has_role("clerk", "butler", "supervisor", "dept_manager")
all_staff = has_role("clerk", "butler", "courier", "security", "finance", *MANAGERS,
                     "auditor", "admin")
front_desk = has_role("clerk", "supervisor", "dept_manager")
operational_staff = has_role("clerk", "butler", "courier", "security", "supervisor",
                             "dept_manager", "property_manager", "general_manager")
key_readers = operational_staff | auditor
home_care_readers = has_role("clerk", "butler", "security", *MANAGERS) | auditor
medicine_readers = has_role("clerk", "butler", "security", *MANAGERS) | auditor
medicine_keepers = has_role("clerk", "butler", "supervisor", "dept_manager")
finance = has_role("finance")
water_readers = has_role("clerk", "butler", "security", "finance", *MANAGERS) | auditor
order_readers = has_role("clerk", "butler", "security", "finance", *MANAGERS) | auditor
# Who may read occupants' contact details (personal data, DESIGN.md "Owner files").
personal_data_readers = has_role("clerk", "butler", "finance", *MANAGERS, "auditor")


mail_readers = has_role("courier", "clerk", "butler", *MANAGERS) | auditor
