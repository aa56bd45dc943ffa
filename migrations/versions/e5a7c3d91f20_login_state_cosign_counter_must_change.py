"""login_state: a co-sign counter and lock of its own; must-change flags

A colleague typing wrong co-sign PINs counted towards the victim's login lockout;
co-signing now has its own counter and lock.  A password or PIN the admin gives
(new staff member, reset) is flagged so the person must choose their own at the
next login.  Kept on login_state (security state, not audited): adding columns to
``staff`` would make every existing staff row differ from its last history
snapshot.

Revision ID: e5a7c3d91f20
Revises: 32b4afe8c048
Create Date: 2026-11-29 22:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5a7c3d91f20'
down_revision = '32b4afe8c048'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('login_state', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cosign_failures', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('cosign_locked_until', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('must_change_pin', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('login_state', schema=None) as batch_op:
        batch_op.drop_column('must_change_pin')
        batch_op.drop_column('must_change_password')
        batch_op.drop_column('cosign_locked_until')
        batch_op.drop_column('cosign_failures')
