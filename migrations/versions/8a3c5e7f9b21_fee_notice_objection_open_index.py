"""fee_notice: partial index of the notices with an owner's objection not yet handled

异议 / 异议处理 (到财务部核实): a notice whose objection is recorded and not yet
handled is due for the butler and finance (rules.fee_collection.objection_due),
counted on every home page.  The index holds only those notices: a few at any time
among every notice ever issued.

Revision ID: 8a3c5e7f9b21
Revises: e2b8d4f6a1c3
Create Date: 2026-11-30 23:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8a3c5e7f9b21'
down_revision = 'e2b8d4f6a1c3'
branch_labels = None
depends_on = None

OBJECTION_OPEN = "objection IS NOT NULL AND objection_handling IS NULL AND voided_at IS NULL"


def upgrade():
    op.create_index('ix_fee_notice_objection_open', 'fee_notice', ['property_id', 'unit_id'],
                    unique=False, sqlite_where=sa.text(OBJECTION_OPEN),
                    postgresql_where=sa.text(OBJECTION_OPEN))


def downgrade():
    op.drop_index('ix_fee_notice_objection_open', table_name='fee_notice')
