"""key borrowers outside staff: contractors and owners/occupants borrow keys

A side table keyed by the checkout; ``key_checkout`` itself is not altered, so its
history snapshots and its search index stay as they are.

Revision ID: 5597d60ee492
Revises: 5d1e7c3a9b42
Create Date: 2026-11-30 03:22:45.286422

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5597d60ee492'
down_revision = '5d1e7c3a9b42'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('key_checkout_borrower',
    sa.Column('checkout_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('occupant_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('company', sa.String(length=120), nullable=True),
    sa.Column('id_number', sa.String(length=40), nullable=True),
    sa.Column('phone', sa.String(length=40), nullable=True),
    sa.Column('room', sa.String(length=40), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('property_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('voided_at', sa.DateTime(), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.Column('voided_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind <> 'contractor' OR (company IS NOT NULL AND id_number IS NOT NULL AND phone IS NOT NULL)", name=op.f('ck_key_checkout_borrower_contractor_borrower_identified')),
    sa.CheckConstraint("kind <> 'occupant' OR occupant_id IS NOT NULL", name=op.f('ck_key_checkout_borrower_occupant_borrower_named')),
    sa.CheckConstraint("kind IN ('contractor', 'occupant')", name=op.f('ck_key_checkout_borrower_borrower_kind')),
    sa.ForeignKeyConstraint(['checkout_id'], ['key_checkout.id'], name=op.f('fk_key_checkout_borrower_checkout_id_key_checkout')),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff.id'], name=op.f('fk_key_checkout_borrower_created_by_id_staff')),
    sa.ForeignKeyConstraint(['occupant_id'], ['occupant.id'], name=op.f('fk_key_checkout_borrower_occupant_id_occupant')),
    sa.ForeignKeyConstraint(['property_id'], ['property.id'], name=op.f('fk_key_checkout_borrower_property_id_property')),
    sa.ForeignKeyConstraint(['voided_by_id'], ['staff.id'], name=op.f('fk_key_checkout_borrower_voided_by_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_key_checkout_borrower')),
    sa.UniqueConstraint('checkout_id', name=op.f('uq_key_checkout_borrower_checkout_id'))
    )
    with op.batch_alter_table('key_checkout_borrower', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_key_checkout_borrower_occupant_id'), ['occupant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_key_checkout_borrower_property_id'), ['property_id'], unique=False)



def downgrade():
    with op.batch_alter_table('key_checkout_borrower', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_key_checkout_borrower_property_id'))
        batch_op.drop_index(batch_op.f('ix_key_checkout_borrower_occupant_id'))

    op.drop_table('key_checkout_borrower')
