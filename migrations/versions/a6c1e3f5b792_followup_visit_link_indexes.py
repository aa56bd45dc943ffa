"""follow-up visits: partial indexes of the visits that link a resident or an order

Every home page asks which of the month's new residents and paid orders were
visited (``rules/followup_due.py``).  Most visits link neither; SQLite's statistics
(``ANALYZE``) count their NULLs as one value shared by every row, so it judged the
plain index useless and read the whole table (53 ms at a million visits).  These
indexes hold only the visits that link one.

Revision ID: a6c1e3f5b792
Revises: 9b4f6d8e2a17
Create Date: 2026-12-01 08:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a6c1e3f5b792'
down_revision = '9b4f6d8e2a17'
branch_labels = None
depends_on = None

COLUMNS = ("occupant_id", "service_order_id")


def upgrade():
    for column in COLUMNS:
        where = sa.text(f"{column} IS NOT NULL")
        op.create_index(f"ix_followup_visit_{column}_linked", "followup_visit", [column],
                        unique=False, sqlite_where=where, postgresql_where=where)


def downgrade():
    for column in COLUMNS:
        op.drop_index(f"ix_followup_visit_{column}_linked", table_name="followup_visit")
