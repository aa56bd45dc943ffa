"""History: every insert, update and void is written, hash-chained, in the same
transaction as the change.  ``context`` says who and why, ``chain`` how an entry
is hashed, ``listener`` writes entries, ``verify`` proves nothing was altered."""
from .context import Actor, audit_reason, set_actor, system_actor  # noqa: F401
from .listener import install, mark_action  # noqa: F401
