"""saved list filters per member of staff (issue 17 item 7)

Revision ID: 5e7b2c9d4a10
Revises: 810b38f86810
Create Date: 2026-11-30 03:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e7b2c9d4a10'
down_revision = '810b38f86810'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'saved_filter',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('staff_id', sa.Integer(),
                  sa.ForeignKey('staff.id', name='fk_saved_filter_staff_id_staff'),
                  nullable=False),
        sa.Column('view', sa.String(60), nullable=False),
        sa.Column('name', sa.String(40), nullable=False),
        sa.Column('query', sa.String(1000), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('removed_at', sa.DateTime(), nullable=True))
    op.create_index('ix_saved_filter_owner_view', 'saved_filter',
                    ['staff_id', 'view', 'removed_at'])


def downgrade():
    op.drop_index('ix_saved_filter_owner_view', table_name='saved_filter')
    op.drop_table('saved_filter')
