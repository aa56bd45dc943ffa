"""follow-up visits: their search index kept up to date again on SQLite

On SQLite the search index of a table is an FTS5 table kept by three triggers on
the table (``models/search.py``).  Migration ``e847318e954a`` (follow-up batches)
altered ``followup_visit`` in SQLite's batch mode, which copies the table into a
new one and drops the old one with its triggers: from then on no visit written
reached the index, and a search of the follow-up visits found none of them.  This
builds the index again — triggers and contents — from the visits there are.
PostgreSQL's indexes live on the table itself and were never lost.

(Any later batch alteration of a searchable table must do the same; the test
``test_search.py::test_every_search_index_is_kept_by_its_triggers`` reads the
migrated database and fails otherwise.)

Revision ID: 7d2e4a6c8f31
Revises: 3c8d1f5a7e92
Create Date: 2026-12-01 08:00:00.000000

"""
from alembic import op

from models.search import create_statements, drop_statements


# revision identifiers, used by Alembic.
revision = '7d2e4a6c8f31'
down_revision = '3c8d1f5a7e92'
branch_labels = None
depends_on = None

COLUMNS = ("shortcomings", "suggestions")   # FollowUpVisit.__search_indexed__ now


def upgrade():
    if op.get_bind().dialect.name != "sqlite":
        return
    for statement in drop_statements("sqlite", "followup_visit", COLUMNS):
        op.execute(statement)
    for statement in create_statements("sqlite", "followup_visit", COLUMNS):
        op.execute(statement)


def downgrade():
    # The index as it was before (triggers lost) is not worth making again: the
    # index stays, kept up to date.
    pass
