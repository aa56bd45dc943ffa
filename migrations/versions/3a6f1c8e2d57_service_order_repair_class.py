"""service_order.repair_class: 普通维修 / 急修 / 渗漏水 as a field of the 服务单

The follow-up rules (急修 visited within 24 h, 下雨后回访 of leak repairs) found urgent
and leak repairs by words in the order's text.  The order now has its own class;
existing service orders are back-filled from those words (an urgent word → urgent,
else a leak word → leak, else normal), so history stays classed as it was.  The
words are frozen here as they were; ``ServiceOrder.__backfilled__`` tells ``audit
verify`` the value this wrote, so the back-filled rows are not reported as changed
outside the app.

Revision ID: 3a6f1c8e2d57
Revises: 5597d60ee492
Create Date: 2026-11-30 07:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3a6f1c8e2d57'
down_revision = '5597d60ee492'
branch_labels = None
depends_on = None

URGENT_WORDS = ("急修", "紧急")
LEAK_WORDS = ("渗漏", "漏水", "渗水")


def _any_word(order, words) -> sa.ColumnElement:
    return sa.or_(*[c.contains(w) for w in words
                    for c in (order.c.description, order.c.work_notes)])


def upgrade():
    with op.batch_alter_table('service_order', schema=None) as batch_op:
        batch_op.add_column(sa.Column('repair_class', sa.String(length=16), nullable=False,
                                      server_default='normal'))
    order = sa.table('service_order', sa.column('kind'), sa.column('repair_class'),
                     sa.column('description'), sa.column('work_notes'))
    op.execute(order.update().where(order.c.kind == 'service', _any_word(order, URGENT_WORDS))
               .values(repair_class='urgent'))
    op.execute(order.update().where(order.c.kind == 'service', order.c.repair_class == 'normal',
                                    _any_word(order, LEAK_WORDS)).values(repair_class='leak'))


def downgrade():
    # a plain DROP COLUMN (SQLite 3.35+): the batch mode's table copy dropped
    # service_order while follow-up visits and water deliveries still pointed at it
    op.execute("ALTER TABLE service_order DROP COLUMN repair_class")
