"""shift_handover: an index of the co-sign time, for the handovers no supervisor read

Every supervisor's and manager's home page counts the handovers co-signed in the last
week and not read by a supervisor within a day (``rules/handover_reads.py``).  No
index held the co-sign time, so the count read every handover ever made (55 ms at a
million on PostgreSQL).  The index is partial (co-signed, not void) so that no other
query can take it: as a plain ``(property_id, cosigned_at)`` index, SQLite — which had
statistics for the older indexes and none for it — took it for the list's
``property_id = ?`` and sorted every handover (800 ms a page at a million).

Revision ID: 9b4f6d8e2a17
Revises: 7d2e4a6c8f31
Create Date: 2026-12-01 08:10:00.000000

"""
from alembic import op
import sqlalchemy as sa

COSIGNED = "cosigned_at IS NOT NULL AND voided_at IS NULL"


# revision identifiers, used by Alembic.
revision = '9b4f6d8e2a17'
down_revision = '7d2e4a6c8f31'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_shift_handover_property_cosigned', 'shift_handover',
                    ['property_id', 'cosigned_at'], unique=False,
                    sqlite_where=sa.text(COSIGNED), postgresql_where=sa.text(COSIGNED))


def downgrade():
    op.drop_index('ix_shift_handover_property_cosigned', table_name='shift_handover')
