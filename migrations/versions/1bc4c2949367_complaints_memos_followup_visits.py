"""complaints, internal memos, follow-up visits, loss reports, work calendar

客户投诉处理记录表, 内部联络单, 客户回访记录表, 不合格品/服务记录处理单 (an approval
chain) and the per-property holiday calendar; the shared per-register serial sequence;
list indexes per property and across properties, partial indexes of the open matters,
and the search indexes of their text columns (models/search.py).

Revision ID: 1bc4c2949367
Revises: 25051158549e
Create Date: 2026-11-30 00:47:31.958714
"""
import sqlalchemy as sa
from alembic import op

from models.search import create_statements, drop_statements


# revision identifiers, used by Alembic.
revision = '1bc4c2949367'
down_revision = '25051158549e'
branch_labels = None
depends_on = None


# Table → its own text columns searched through the index (the models'
# ``__search_indexed__`` at the time of this migration).
SEARCH_INDEXED = {"complaint": ("content", "complainant", "handling"),
                  "internal_memo": ("content", "result", "recipient_name"),
                  "followup_visit": ("shortcomings", "suggestions")}


def upgrade():
    # register_sequence (the numbers) is created by 1f9cf3b9c405 and shared
    op.create_table('work_calendar_day',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('working', sa.Boolean(), nullable=False),
    sa.Column('note', sa.String(length=60), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('property_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('voided_at', sa.DateTime(), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.Column('voided_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff.id'], name=op.f('fk_work_calendar_day_created_by_id_staff')),
    sa.ForeignKeyConstraint(['property_id'], ['property.id'], name=op.f('fk_work_calendar_day_property_id_property')),
    sa.ForeignKeyConstraint(['voided_by_id'], ['staff.id'], name=op.f('fk_work_calendar_day_voided_by_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_work_calendar_day')),
    sa.UniqueConstraint('property_id', 'day', name='one_entry_per_day')
    )
    with op.batch_alter_table('work_calendar_day', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_work_calendar_day_day'), ['day'], unique=False)
        batch_op.create_index(batch_op.f('ix_work_calendar_day_property_id'), ['property_id'], unique=False)

    op.create_table('complaint',
    sa.Column('complaint_no', sa.Integer(), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('channel', sa.String(length=12), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('complainant', sa.String(length=60), nullable=False),
    sa.Column('phone', sa.String(length=30), nullable=True),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('receiver_id', sa.Integer(), nullable=False),
    sa.Column('recorder_id', sa.Integer(), nullable=True),
    sa.Column('public_info_id', sa.Integer(), nullable=True),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('severity', sa.String(length=12), nullable=False),
    sa.Column('severity_reason', sa.Text(), nullable=True),
    sa.Column('classified_by_id', sa.Integer(), nullable=True),
    sa.Column('classified_at', sa.DateTime(), nullable=True),
    sa.Column('reasonable', sa.Boolean(), nullable=False),
    sa.Column('owner_deadline', sa.DateTime(), nullable=True),
    sa.Column('reply_days', sa.Integer(), nullable=True),
    sa.Column('reply_due', sa.DateTime(), nullable=True),
    sa.Column('resolve_due', sa.DateTime(), nullable=True),
    sa.Column('memo_due', sa.DateTime(), nullable=True),
    sa.Column('memo_sent_at', sa.DateTime(), nullable=True),
    sa.Column('visit_due', sa.DateTime(), nullable=True),
    sa.Column('first_visit_at', sa.DateTime(), nullable=True),
    sa.Column('first_reply_at', sa.DateTime(), nullable=True),
    sa.Column('handling', sa.Text(), nullable=True),
    sa.Column('resolved_at', sa.DateTime(), nullable=True),
    sa.Column('loss_amount', sa.Numeric(precision=10, scale=2), nullable=True),
    sa.Column('reported_to_gm_at', sa.DateTime(), nullable=True),
    sa.Column('gm_acknowledged_at', sa.DateTime(), nullable=True),
    sa.Column('gm_acknowledged_by_id', sa.Integer(), nullable=True),
    sa.Column('manager_visited_at', sa.DateTime(), nullable=True),
    sa.Column('owner_confirmed', sa.Boolean(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('property_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('voided_at', sa.DateTime(), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.Column('voided_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['classified_by_id'], ['staff.id'], name=op.f('fk_complaint_classified_by_id_staff')),
    sa.ForeignKeyConstraint(['closed_by_id'], ['staff.id'], name=op.f('fk_complaint_closed_by_id_staff')),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff.id'], name=op.f('fk_complaint_created_by_id_staff')),
    sa.ForeignKeyConstraint(['gm_acknowledged_by_id'], ['staff.id'], name=op.f('fk_complaint_gm_acknowledged_by_id_staff')),
    sa.ForeignKeyConstraint(['property_id'], ['property.id'], name=op.f('fk_complaint_property_id_property')),
    sa.ForeignKeyConstraint(['public_info_id'], ['public_info.id'], name=op.f('fk_complaint_public_info_id_public_info')),
    sa.ForeignKeyConstraint(['receiver_id'], ['staff.id'], name=op.f('fk_complaint_receiver_id_staff')),
    sa.ForeignKeyConstraint(['recorder_id'], ['staff.id'], name=op.f('fk_complaint_recorder_id_staff')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_complaint_unit_id_unit')),
    sa.ForeignKeyConstraint(['voided_by_id'], ['staff.id'], name=op.f('fk_complaint_voided_by_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint')),
    sa.UniqueConstraint('property_id', 'complaint_no', name='complaint_no_once'),
    sa.UniqueConstraint('public_info_id', name=op.f('uq_complaint_public_info_id'))
    )
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.create_index('ix_complaint_by_complaint_no', ['complaint_no', 'id'], unique=False)
        batch_op.create_index('ix_complaint_by_received_at', ['received_at', 'id'], unique=False)
        batch_op.create_index('ix_complaint_by_resolved_at', ['resolved_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaint_category'), ['category'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaint_closed_at'), ['closed_at'], unique=False)
        batch_op.create_index('ix_complaint_open', ['property_id', 'received_at'], unique=False, sqlite_where=sa.text('closed_at IS NULL AND voided_at IS NULL'), postgresql_where=sa.text('closed_at IS NULL AND voided_at IS NULL'))
        batch_op.create_index('ix_complaint_property_by_complaint_no', ['property_id', 'complaint_no', 'id'], unique=False)
        batch_op.create_index('ix_complaint_property_by_received_at', ['property_id', 'received_at', 'id'], unique=False)
        batch_op.create_index('ix_complaint_property_by_resolved_at', ['property_id', 'resolved_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaint_property_id'), ['property_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaint_receiver_id'), ['receiver_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaint_reply_due'), ['reply_due'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaint_resolve_due'), ['resolve_due'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaint_resolved_at'), ['resolved_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaint_severity'), ['severity'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaint_unit_id'), ['unit_id'], unique=False)

    op.create_table('complaint_loss_report',
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('nonconformity', sa.Text(), nullable=False),
    sa.Column('cause_analysis', sa.Text(), nullable=False),
    sa.Column('corrective_action', sa.Text(), nullable=False),
    sa.Column('responsible', sa.String(length=60), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
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
    sa.ForeignKeyConstraint(['applicant_id'], ['staff.id'], name=op.f('fk_complaint_loss_report_applicant_id_staff')),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id'], name=op.f('fk_complaint_loss_report_complaint_id_complaint')),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff.id'], name=op.f('fk_complaint_loss_report_created_by_id_staff')),
    sa.ForeignKeyConstraint(['property_id'], ['property.id'], name=op.f('fk_complaint_loss_report_property_id_property')),
    sa.ForeignKeyConstraint(['voided_by_id'], ['staff.id'], name=op.f('fk_complaint_loss_report_voided_by_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_loss_report'))
    )
    with op.batch_alter_table('complaint_loss_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaint_loss_report_applicant_id'), ['applicant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaint_loss_report_complaint_id'), ['complaint_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaint_loss_report_property_id'), ['property_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaint_loss_report_status'), ['status'], unique=False)

    op.create_table('followup_visit',
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('occupant_id', sa.Integer(), nullable=True),
    sa.Column('complaint_id', sa.Integer(), nullable=True),
    sa.Column('service_order_id', sa.Integer(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('visited_at', sa.DateTime(), nullable=False),
    sa.Column('method', sa.String(length=8), nullable=False),
    sa.Column('visitor_id', sa.Integer(), nullable=False),
    sa.Column('accompanied_by_id', sa.Integer(), nullable=True),
    sa.Column('quality', sa.String(length=12), nullable=True),
    sa.Column('effect', sa.String(length=12), nullable=True),
    sa.Column('satisfaction', sa.String(length=12), nullable=False),
    sa.Column('shortcomings', sa.Text(), nullable=True),
    sa.Column('suggestions', sa.Text(), nullable=True),
    sa.Column('customer_confirmed', sa.Boolean(), nullable=False),
    sa.Column('needs_second_visit', sa.Boolean(), nullable=False),
    sa.Column('second_visit_of_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(), nullable=True),
    sa.Column('review_comment', sa.Text(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('property_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('voided_at', sa.DateTime(), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.Column('voided_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['accompanied_by_id'], ['staff.id'], name=op.f('fk_followup_visit_accompanied_by_id_staff')),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id'], name=op.f('fk_followup_visit_complaint_id_complaint')),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff.id'], name=op.f('fk_followup_visit_created_by_id_staff')),
    sa.ForeignKeyConstraint(['occupant_id'], ['occupant.id'], name=op.f('fk_followup_visit_occupant_id_occupant')),
    sa.ForeignKeyConstraint(['property_id'], ['property.id'], name=op.f('fk_followup_visit_property_id_property')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['staff.id'], name=op.f('fk_followup_visit_reviewed_by_id_staff')),
    sa.ForeignKeyConstraint(['second_visit_of_id'], ['followup_visit.id'], name=op.f('fk_followup_visit_second_visit_of_id_followup_visit')),
    sa.ForeignKeyConstraint(['service_order_id'], ['service_order.id'], name=op.f('fk_followup_visit_service_order_id_service_order')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_followup_visit_unit_id_unit')),
    sa.ForeignKeyConstraint(['visitor_id'], ['staff.id'], name=op.f('fk_followup_visit_visitor_id_staff')),
    sa.ForeignKeyConstraint(['voided_by_id'], ['staff.id'], name=op.f('fk_followup_visit_voided_by_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_followup_visit'))
    )
    with op.batch_alter_table('followup_visit', schema=None) as batch_op:
        batch_op.create_index('ix_followup_visit_second_due', ['property_id', 'visited_at'], unique=False, sqlite_where=sa.text('needs_second_visit AND voided_at IS NULL'), postgresql_where=sa.text('needs_second_visit AND voided_at IS NULL'))
        batch_op.create_index('ix_followup_visit_by_due_on', ['due_on', 'id'], unique=False)
        batch_op.create_index('ix_followup_visit_by_visited_at', ['visited_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_followup_visit_complaint_id'), ['complaint_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_followup_visit_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_followup_visit_occupant_id'), ['occupant_id'], unique=False)
        batch_op.create_index('ix_followup_visit_property_by_due_on', ['property_id', 'due_on', 'id'], unique=False)
        batch_op.create_index('ix_followup_visit_property_by_visited_at', ['property_id', 'visited_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_followup_visit_property_id'), ['property_id'], unique=False)
        batch_op.create_index('ix_followup_visit_property_kind', ['property_id', 'kind', 'visited_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_followup_visit_second_visit_of_id'), ['second_visit_of_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_followup_visit_service_order_id'), ['service_order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_followup_visit_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_followup_visit_visitor_id'), ['visitor_id'], unique=False)

    op.create_table('internal_memo',
    sa.Column('memo_no', sa.Integer(), nullable=False),
    sa.Column('from_department', sa.String(length=20), nullable=False),
    sa.Column('sender_id', sa.Integer(), nullable=False),
    sa.Column('to_department', sa.String(length=20), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=True),
    sa.Column('recipient_name', sa.String(length=60), nullable=True),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('due_at', sa.DateTime(), nullable=True),
    sa.Column('received_at', sa.DateTime(), nullable=True),
    sa.Column('received_by_id', sa.Integer(), nullable=True),
    sa.Column('received_name', sa.String(length=60), nullable=True),
    sa.Column('result', sa.Text(), nullable=True),
    sa.Column('replied_at', sa.DateTime(), nullable=True),
    sa.Column('complaint_id', sa.Integer(), nullable=True),
    sa.Column('public_info_id', sa.Integer(), nullable=True),
    sa.Column('link_table', sa.String(length=64), nullable=True),
    sa.Column('link_id', sa.Integer(), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('property_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('voided_at', sa.DateTime(), nullable=True),
    sa.Column('void_reason', sa.Text(), nullable=True),
    sa.Column('voided_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id'], name=op.f('fk_internal_memo_complaint_id_complaint')),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff.id'], name=op.f('fk_internal_memo_created_by_id_staff')),
    sa.ForeignKeyConstraint(['property_id'], ['property.id'], name=op.f('fk_internal_memo_property_id_property')),
    sa.ForeignKeyConstraint(['public_info_id'], ['public_info.id'], name=op.f('fk_internal_memo_public_info_id_public_info')),
    sa.ForeignKeyConstraint(['received_by_id'], ['staff.id'], name=op.f('fk_internal_memo_received_by_id_staff')),
    sa.ForeignKeyConstraint(['recipient_id'], ['staff.id'], name=op.f('fk_internal_memo_recipient_id_staff')),
    sa.ForeignKeyConstraint(['sender_id'], ['staff.id'], name=op.f('fk_internal_memo_sender_id_staff')),
    sa.ForeignKeyConstraint(['voided_by_id'], ['staff.id'], name=op.f('fk_internal_memo_voided_by_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_internal_memo')),
    sa.UniqueConstraint('property_id', 'memo_no', name='memo_no_once')
    )
    with op.batch_alter_table('internal_memo', schema=None) as batch_op:
        batch_op.create_index('ix_internal_memo_by_due_at', ['due_at', 'id'], unique=False)
        batch_op.create_index('ix_internal_memo_by_memo_no', ['memo_no', 'id'], unique=False)
        batch_op.create_index('ix_internal_memo_by_sent_at', ['sent_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_internal_memo_complaint_id'), ['complaint_id'], unique=False)
        batch_op.create_index('ix_internal_memo_link', ['link_table', 'link_id'], unique=False)
        batch_op.create_index('ix_internal_memo_open', ['property_id', 'due_at'], unique=False, sqlite_where=sa.text('replied_at IS NULL AND voided_at IS NULL'), postgresql_where=sa.text('replied_at IS NULL AND voided_at IS NULL'))
        batch_op.create_index('ix_internal_memo_property_by_due_at', ['property_id', 'due_at', 'id'], unique=False)
        batch_op.create_index('ix_internal_memo_property_by_memo_no', ['property_id', 'memo_no', 'id'], unique=False)
        batch_op.create_index('ix_internal_memo_property_by_sent_at', ['property_id', 'sent_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_internal_memo_property_id'), ['property_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_internal_memo_public_info_id'), ['public_info_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_internal_memo_sender_id'), ['sender_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_internal_memo_to_department'), ['to_department'], unique=False)
        batch_op.create_index('ix_internal_memo_unacknowledged', ['property_id', 'sent_at'], unique=False, sqlite_where=sa.text('received_at IS NULL AND voided_at IS NULL'), postgresql_where=sa.text('received_at IS NULL AND voided_at IS NULL'))

    dialect = op.get_bind().dialect.name
    for tablename, columns in SEARCH_INDEXED.items():
        for statement in create_statements(dialect, tablename, columns):
            op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for tablename, columns in SEARCH_INDEXED.items():
        for statement in drop_statements(dialect, tablename, columns):
            if not statement.startswith("DROP FUNCTION"):   # older search indexes use it
                op.execute(statement)
    with op.batch_alter_table('internal_memo', schema=None) as batch_op:
        batch_op.drop_index('ix_internal_memo_unacknowledged', sqlite_where=sa.text('received_at IS NULL AND voided_at IS NULL'), postgresql_where=sa.text('received_at IS NULL AND voided_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_internal_memo_to_department'))
        batch_op.drop_index(batch_op.f('ix_internal_memo_sender_id'))
        batch_op.drop_index(batch_op.f('ix_internal_memo_public_info_id'))
        batch_op.drop_index(batch_op.f('ix_internal_memo_property_id'))
        batch_op.drop_index('ix_internal_memo_property_by_sent_at')
        batch_op.drop_index('ix_internal_memo_property_by_memo_no')
        batch_op.drop_index('ix_internal_memo_property_by_due_at')
        batch_op.drop_index('ix_internal_memo_open', sqlite_where=sa.text('replied_at IS NULL AND voided_at IS NULL'), postgresql_where=sa.text('replied_at IS NULL AND voided_at IS NULL'))
        batch_op.drop_index('ix_internal_memo_link')
        batch_op.drop_index(batch_op.f('ix_internal_memo_complaint_id'))
        batch_op.drop_index('ix_internal_memo_by_sent_at')
        batch_op.drop_index('ix_internal_memo_by_memo_no')
        batch_op.drop_index('ix_internal_memo_by_due_at')

    op.drop_table('internal_memo')
    with op.batch_alter_table('followup_visit', schema=None) as batch_op:
        batch_op.drop_index('ix_followup_visit_second_due', sqlite_where=sa.text('needs_second_visit AND voided_at IS NULL'), postgresql_where=sa.text('needs_second_visit AND voided_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_followup_visit_visitor_id'))
        batch_op.drop_index(batch_op.f('ix_followup_visit_unit_id'))
        batch_op.drop_index(batch_op.f('ix_followup_visit_service_order_id'))
        batch_op.drop_index(batch_op.f('ix_followup_visit_second_visit_of_id'))
        batch_op.drop_index('ix_followup_visit_property_kind')
        batch_op.drop_index(batch_op.f('ix_followup_visit_property_id'))
        batch_op.drop_index('ix_followup_visit_property_by_visited_at')
        batch_op.drop_index('ix_followup_visit_property_by_due_on')
        batch_op.drop_index(batch_op.f('ix_followup_visit_occupant_id'))
        batch_op.drop_index(batch_op.f('ix_followup_visit_kind'))
        batch_op.drop_index(batch_op.f('ix_followup_visit_complaint_id'))
        batch_op.drop_index('ix_followup_visit_by_visited_at')
        batch_op.drop_index('ix_followup_visit_by_due_on')

    op.drop_table('followup_visit')
    with op.batch_alter_table('complaint_loss_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaint_loss_report_status'))
        batch_op.drop_index(batch_op.f('ix_complaint_loss_report_property_id'))
        batch_op.drop_index(batch_op.f('ix_complaint_loss_report_complaint_id'))
        batch_op.drop_index(batch_op.f('ix_complaint_loss_report_applicant_id'))

    op.drop_table('complaint_loss_report')
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaint_unit_id'))
        batch_op.drop_index(batch_op.f('ix_complaint_severity'))
        batch_op.drop_index(batch_op.f('ix_complaint_resolved_at'))
        batch_op.drop_index(batch_op.f('ix_complaint_resolve_due'))
        batch_op.drop_index(batch_op.f('ix_complaint_reply_due'))
        batch_op.drop_index(batch_op.f('ix_complaint_receiver_id'))
        batch_op.drop_index(batch_op.f('ix_complaint_property_id'))
        batch_op.drop_index('ix_complaint_property_by_resolved_at')
        batch_op.drop_index('ix_complaint_property_by_received_at')
        batch_op.drop_index('ix_complaint_property_by_complaint_no')
        batch_op.drop_index('ix_complaint_open', sqlite_where=sa.text('closed_at IS NULL AND voided_at IS NULL'), postgresql_where=sa.text('closed_at IS NULL AND voided_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_complaint_closed_at'))
        batch_op.drop_index(batch_op.f('ix_complaint_category'))
        batch_op.drop_index('ix_complaint_by_resolved_at')
        batch_op.drop_index('ix_complaint_by_received_at')
        batch_op.drop_index('ix_complaint_by_complaint_no')

    op.drop_table('complaint')
    with op.batch_alter_table('work_calendar_day', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_work_calendar_day_property_id'))
        batch_op.drop_index(batch_op.f('ix_work_calendar_day_day'))

    op.drop_table('work_calendar_day')
