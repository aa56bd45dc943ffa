"""shift settings per property, handover read acknowledgements, complaint summaries

``shift_setting``: a property's 白班/夜班 start times and how many minutes before a
shift end its handover must be done.  ``handover_read``: who read which handover
(once each).  ``complaint_summary``: the month's 投诉记录汇总表 and the quarter's
analysis, confirmed by the department manager.

Revision ID: 5d1e7c3a9b42
Revises: 810b38f86810
Create Date: 2026-11-30 03:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5d1e7c3a9b42'
down_revision = '220c4aa6e695'
branch_labels = None
depends_on = None


def _register_columns(table: str) -> list:
    """RegisterMixin's columns and their foreign keys."""
    return [
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('property_id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('voided_at', sa.DateTime(), nullable=True),
        sa.Column('void_reason', sa.Text(), nullable=True),
        sa.Column('voided_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['staff.id'],
                                name=op.f(f'fk_{table}_created_by_id_staff')),
        sa.ForeignKeyConstraint(['property_id'], ['property.id'],
                                name=op.f(f'fk_{table}_property_id_property')),
        sa.ForeignKeyConstraint(['voided_by_id'], ['staff.id'],
                                name=op.f(f'fk_{table}_voided_by_id_staff')),
        sa.PrimaryKeyConstraint('id', name=op.f(f'pk_{table}')),
    ]


def upgrade():
    op.create_table(
        'shift_setting',
        sa.Column('day_starts', sa.Time(), nullable=False),
        sa.Column('night_starts', sa.Time(), nullable=False),
        sa.Column('lead_minutes', sa.Integer(), nullable=False),
        *_register_columns('shift_setting'),
        sa.UniqueConstraint('property_id', name='one_shift_setting_per_property'))
    with op.batch_alter_table('shift_setting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shift_setting_property_id'), ['property_id'],
                              unique=False)

    op.create_table(
        'handover_read',
        sa.Column('handover_id', sa.Integer(), nullable=False),
        sa.Column('staff_id', sa.Integer(), nullable=False),
        sa.Column('read_at', sa.DateTime(), nullable=False),
        *_register_columns('handover_read'),
        sa.ForeignKeyConstraint(['handover_id'], ['shift_handover.id'],
                                name=op.f('fk_handover_read_handover_id_shift_handover')),
        sa.ForeignKeyConstraint(['staff_id'], ['staff.id'],
                                name=op.f('fk_handover_read_staff_id_staff')),
        sa.UniqueConstraint('handover_id', 'staff_id', name='one_read_per_person'))
    with op.batch_alter_table('handover_read', schema=None) as batch_op:
        for column in ('handover_id', 'staff_id', 'property_id'):
            batch_op.create_index(batch_op.f(f'ix_handover_read_{column}'), [column],
                                  unique=False)

    op.create_table(
        'complaint_summary',
        sa.Column('kind', sa.String(length=8), nullable=False),
        sa.Column('period_start', sa.Date(), nullable=False),
        sa.Column('conclusion', sa.Text(), nullable=True),
        sa.Column('confirmed_by_id', sa.Integer(), nullable=True),
        sa.Column('confirmed_at', sa.DateTime(), nullable=True),
        *_register_columns('complaint_summary'),
        sa.ForeignKeyConstraint(['confirmed_by_id'], ['staff.id'],
                                name=op.f('fk_complaint_summary_confirmed_by_id_staff')),
        sa.UniqueConstraint('property_id', 'kind', 'period_start',
                            name='one_summary_per_period'))
    with op.batch_alter_table('complaint_summary', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaint_summary_property_id'), ['property_id'],
                              unique=False)


def downgrade():
    for table in ('complaint_summary', 'handover_read', 'shift_setting'):
        op.drop_table(table)
