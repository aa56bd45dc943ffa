"""Who may do what, as data plus small named predicates.

- ``roles``: the role names and their labels.
- ``predicates``: composable checks in the style of django-rules (``has_role("dept_manager") | is_creator``).
- ``matrix``: register × action → predicate; the single source of truth the views enforce.
"""
from .matrix import ACTIONS, MATRIX, permits  # noqa: F401
from .predicates import Predicate, has_role, predicate  # noqa: F401
from .roles import ROLES, ROLE_LABELS  # noqa: F401
