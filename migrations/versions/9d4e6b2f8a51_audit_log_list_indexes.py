"""the history list's filters and searches served by indexes

The audit log (审计日志) is listed newest first and filtered by staff member,
action, register or record; its search looks for a staff or register name (few
distinct values: an IN list, see models.search.values_matching) or a record
number.  Without these each such list read every entry: at millions of entries,
seconds per page.  Each index ends in the id, the list's order.

Revision ID: 9d4e6b2f8a51
Revises: 7c2f9e4a1b36
Create Date: 2026-11-29 15:50:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '9d4e6b2f8a51'
down_revision = '7c2f9e4a1b36'
branch_labels = None
depends_on = None

INDEXES = [
    ("ix_audit_log_actor_name", ["actor_name", "id"]),
    ("ix_audit_log_action", ["action", "id"]),
    ("ix_audit_log_table", ["table_name", "id"]),
    ("ix_audit_log_row", ["row_id", "id"]),
]


def upgrade():
    # Creating an index is not an UPDATE or DELETE: the append-only trigger allows it.
    for name, columns in INDEXES:
        op.create_index(name, "audit_log", columns, unique=False)
    # statistics, so the planner weighs a common name (walk the id order) against a
    # rare one (read its index) — see 7c2f9e4a1b36
    op.execute("ANALYZE audit_log")


def downgrade():
    for name, _columns in reversed(INDEXES):
        op.drop_index(name, table_name="audit_log")
