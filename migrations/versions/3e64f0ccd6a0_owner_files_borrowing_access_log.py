"""owner files: 业主基本情况登记表 columns on occupant, family members, the access
log (业主档案查阅记录) and paper-file borrowing (档案借阅登记)

Every new occupant column is nullable (or has a server default), so existing rows
and every register linking an occupant stay valid.

Revision ID: 3e64f0ccd6a0
Revises: 1f9cf3b9c405
Create Date: 2026-11-30 00:37:39.084604

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3e64f0ccd6a0'
down_revision = '1f9cf3b9c405'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('occupant_family_member',
    sa.Column('occupant_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('relation', sa.String(length=20), nullable=True),
    sa.Column('birthday', sa.Date(), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('property_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('voided_at', sa.DateTime(), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.Column('voided_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff.id'], name=op.f('fk_occupant_family_member_created_by_id_staff')),
    sa.ForeignKeyConstraint(['occupant_id'], ['occupant.id'], name=op.f('fk_occupant_family_member_occupant_id_occupant')),
    sa.ForeignKeyConstraint(['property_id'], ['property.id'], name=op.f('fk_occupant_family_member_property_id_property')),
    sa.ForeignKeyConstraint(['voided_by_id'], ['staff.id'], name=op.f('fk_occupant_family_member_voided_by_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_occupant_family_member'))
    )
    with op.batch_alter_table('occupant_family_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_occupant_family_member_occupant_id'), ['occupant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_occupant_family_member_property_id'), ['property_id'], unique=False)

    op.create_table('owner_file_access',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('occupant_id', sa.Integer(), nullable=True),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('opened_at', sa.DateTime(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('scope', sa.String(length=200), nullable=True),
    sa.Column('property_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['occupant_id'], ['occupant.id'], name=op.f('fk_owner_file_access_occupant_id_occupant')),
    sa.ForeignKeyConstraint(['property_id'], ['property.id'], name=op.f('fk_owner_file_access_property_id_property')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_owner_file_access_staff_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_owner_file_access'))
    )
    with op.batch_alter_table('owner_file_access', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_owner_file_access_occupant_id'), ['occupant_id'], unique=False)
        batch_op.create_index('ix_owner_file_access_property_at', ['property_id', 'opened_at', 'id'], unique=False)
        batch_op.create_index('ix_owner_file_access_at', ['opened_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_owner_file_access_property_id'), ['property_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_owner_file_access_staff_id'), ['staff_id'], unique=False)

    op.create_table('owner_file_loan',
    sa.Column('occupant_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('secrecy', sa.String(length=16), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('lent_at', sa.DateTime(), nullable=True),
    sa.Column('lent_by_id', sa.Integer(), nullable=True),
    sa.Column('returned_at', sa.DateTime(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('property_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('voided_at', sa.DateTime(), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.Column('voided_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('current_step', sa.Integer(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('applicant_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('returned_at IS NULL OR lent_at IS NOT NULL', name=op.f('ck_owner_file_loan_returned_after_lent')),
    sa.ForeignKeyConstraint(['applicant_id'], ['staff.id'], name=op.f('fk_owner_file_loan_applicant_id_staff')),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff.id'], name=op.f('fk_owner_file_loan_created_by_id_staff')),
    sa.ForeignKeyConstraint(['lent_by_id'], ['staff.id'], name=op.f('fk_owner_file_loan_lent_by_id_staff')),
    sa.ForeignKeyConstraint(['occupant_id'], ['occupant.id'], name=op.f('fk_owner_file_loan_occupant_id_occupant')),
    sa.ForeignKeyConstraint(['property_id'], ['property.id'], name=op.f('fk_owner_file_loan_property_id_property')),
    sa.ForeignKeyConstraint(['voided_by_id'], ['staff.id'], name=op.f('fk_owner_file_loan_voided_by_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_owner_file_loan'))
    )
    with op.batch_alter_table('owner_file_loan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_owner_file_loan_applicant_id'), ['applicant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_owner_file_loan_occupant_id'), ['occupant_id'], unique=False)
        batch_op.create_index('ix_owner_file_loan_open', ['property_id', 'due_on'], unique=False, sqlite_where=sa.text('lent_at IS NOT NULL AND returned_at IS NULL'), postgresql_where=sa.text('lent_at IS NOT NULL AND returned_at IS NULL'))
        batch_op.create_index(batch_op.f('ix_owner_file_loan_property_id'), ['property_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_owner_file_loan_status'), ['status'], unique=False)

    with op.batch_alter_table('occupant', schema=None) as batch_op:
        batch_op.add_column(sa.Column('id_type', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('id_number', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('employer', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('address', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('emergency_name', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('emergency_phone', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('emergency_address', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('fee_cycle', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('title_filed', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('title_filed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('paper_location', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('secrecy', sa.String(length=16), server_default='normal', nullable=False))
        batch_op.add_column(sa.Column('keeper_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_occupant_keeper_id'), ['keeper_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_occupant_keeper_id_staff'), 'staff', ['keeper_id'], ['id'])



def downgrade():
    with op.batch_alter_table('occupant', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_occupant_keeper_id_staff'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_occupant_keeper_id'))
        batch_op.drop_column('keeper_id')
        batch_op.drop_column('secrecy')
        batch_op.drop_column('paper_location')
        batch_op.drop_column('title_filed_on')
        batch_op.drop_column('title_filed')
        batch_op.drop_column('fee_cycle')
        batch_op.drop_column('emergency_address')
        batch_op.drop_column('emergency_phone')
        batch_op.drop_column('emergency_name')
        batch_op.drop_column('address')
        batch_op.drop_column('employer')
        batch_op.drop_column('id_number')
        batch_op.drop_column('id_type')

    with op.batch_alter_table('owner_file_loan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_owner_file_loan_status'))
        batch_op.drop_index(batch_op.f('ix_owner_file_loan_property_id'))
        batch_op.drop_index('ix_owner_file_loan_open', sqlite_where=sa.text('lent_at IS NOT NULL AND returned_at IS NULL'), postgresql_where=sa.text('lent_at IS NOT NULL AND returned_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_owner_file_loan_occupant_id'))
        batch_op.drop_index(batch_op.f('ix_owner_file_loan_applicant_id'))

    op.drop_table('owner_file_loan')
    with op.batch_alter_table('owner_file_access', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_owner_file_access_staff_id'))
        batch_op.drop_index(batch_op.f('ix_owner_file_access_property_id'))
        batch_op.drop_index('ix_owner_file_access_at')
        batch_op.drop_index('ix_owner_file_access_property_at')
        batch_op.drop_index(batch_op.f('ix_owner_file_access_occupant_id'))

    op.drop_table('owner_file_access')
    with op.batch_alter_table('occupant_family_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_occupant_family_member_property_id'))
        batch_op.drop_index(batch_op.f('ix_occupant_family_member_occupant_id'))

    op.drop_table('occupant_family_member')
