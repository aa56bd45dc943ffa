"""follow-up batches (下雨后回访, 节日回访), visits linked to a batch or an activity
record, and the 重要信息 notice raised from an activity proposal

Only nullable columns are added to existing tables, so old rows stay valid: an old
activity record keeps its hand-typed visit count, an old proposal its typed
notification date.

Revision ID: e847318e954a
Revises: 810b38f86810
Create Date: 2026-11-30 03:23:25.270406

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e847318e954a'
down_revision = '5e7b2c9d4a10'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('followup_batch',
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('festival', sa.String(length=16), nullable=True),
    sa.Column('greeting_method', sa.String(length=8), nullable=True),
    sa.Column('greeting', sa.Text(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('property_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('voided_at', sa.DateTime(), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.Column('voided_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff.id'], name=op.f('fk_followup_batch_created_by_id_staff')),
    sa.ForeignKeyConstraint(['property_id'], ['property.id'], name=op.f('fk_followup_batch_property_id_property')),
    sa.ForeignKeyConstraint(['voided_by_id'], ['staff.id'], name=op.f('fk_followup_batch_voided_by_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_followup_batch'))
    )
    with op.batch_alter_table('followup_batch', schema=None) as batch_op:
        batch_op.create_index('ix_followup_batch_property_held', ['property_id', 'kind', 'held_on', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_followup_batch_property_id'), ['property_id'], unique=False)

    op.create_table('followup_batch_unit',
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('service_order_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('property_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('voided_at', sa.DateTime(), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.Column('voided_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['followup_batch.id'], name=op.f('fk_followup_batch_unit_batch_id_followup_batch')),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff.id'], name=op.f('fk_followup_batch_unit_created_by_id_staff')),
    sa.ForeignKeyConstraint(['property_id'], ['property.id'], name=op.f('fk_followup_batch_unit_property_id_property')),
    sa.ForeignKeyConstraint(['service_order_id'], ['service_order.id'], name=op.f('fk_followup_batch_unit_service_order_id_service_order')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_followup_batch_unit_unit_id_unit')),
    sa.ForeignKeyConstraint(['voided_by_id'], ['staff.id'], name=op.f('fk_followup_batch_unit_voided_by_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_followup_batch_unit')),
    sa.UniqueConstraint('batch_id', 'unit_id', name='batch_unit_once')
    )
    with op.batch_alter_table('followup_batch_unit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_followup_batch_unit_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_followup_batch_unit_property_id'), ['property_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_followup_batch_unit_unit_id'), ['unit_id'], unique=False)

    with op.batch_alter_table('activity_proposal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notice_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_activity_proposal_notice_id'), ['notice_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_activity_proposal_notice_id_important_notice'), 'important_notice', ['notice_id'], ['id'])

    with op.batch_alter_table('followup_visit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('batch_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('activity_record_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_followup_visit_activity_record_id'), ['activity_record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_followup_visit_batch_id'), ['batch_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_followup_visit_activity_record_id_activity_record'), 'activity_record', ['activity_record_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_followup_visit_batch_id_followup_batch'), 'followup_batch', ['batch_id'], ['id'])



def downgrade():
    with op.batch_alter_table('followup_visit', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_followup_visit_batch_id_followup_batch'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_followup_visit_activity_record_id_activity_record'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_followup_visit_batch_id'))
        batch_op.drop_index(batch_op.f('ix_followup_visit_activity_record_id'))
        batch_op.drop_column('activity_record_id')
        batch_op.drop_column('batch_id')

    with op.batch_alter_table('activity_proposal', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_activity_proposal_notice_id_important_notice'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_activity_proposal_notice_id'))
        batch_op.drop_column('notice_id')

    with op.batch_alter_table('followup_batch_unit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_followup_batch_unit_unit_id'))
        batch_op.drop_index(batch_op.f('ix_followup_batch_unit_property_id'))
        batch_op.drop_index(batch_op.f('ix_followup_batch_unit_batch_id'))

    op.drop_table('followup_batch_unit')
    with op.batch_alter_table('followup_batch', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_followup_batch_property_id'))
        batch_op.drop_index('ix_followup_batch_property_held')

    op.drop_table('followup_batch')
