"""search indexes on the big registers; returned_at sortable by index

pg_trgm and short-gram GIN indexes on PostgreSQL, a trigram FTS5 table kept by
triggers on SQLite (see models/search.py).

Revision ID: d7a1f0c2e9b4
Revises: c47c8375d943
Create Date: 2026-11-24 10:00:00.000000

"""
from alembic import op

from models.search import create_statements, drop_statements

# revision identifiers, used by Alembic.
revision = 'd7a1f0c2e9b4'
down_revision = 'c47c8375d943'
branch_labels = None
depends_on = None

# Table → its own text columns searched through the index (the models'
# ``__search_indexed__`` at the time of this migration).
SEARCH_INDEXED = {"key_checkout": ("reason",)}


def upgrade():
    op.create_index("ix_key_checkout_property_returned", "key_checkout",
                    ["property_id", "returned_at"])
    dialect = op.get_bind().dialect.name
    for tablename, columns in SEARCH_INDEXED.items():
        for statement in create_statements(dialect, tablename, columns):
            op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    for tablename, columns in SEARCH_INDEXED.items():
        for statement in drop_statements(dialect, tablename, columns):
            op.execute(statement)
    op.drop_index("ix_key_checkout_property_returned", table_name="key_checkout")
