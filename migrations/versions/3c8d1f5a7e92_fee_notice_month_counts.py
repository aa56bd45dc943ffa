"""fee_notice_month: how many notices each building has in each month, kept by triggers

The notices' list is newest month first.  A deep page (page 1000: 19,980 rows
skipped) walked every newer entry of the order index, ~2.5 ms on PostgreSQL for
every thousand pages, and more each month for years.  With the months' counts the
list reads where its page's month starts (a few hundred small rows) and walks that
month alone (``admin_views/month_pages.py``).  Counted per building so a butler's
area (区域管家分区: buildings) is counted too.

The database keeps the counts, as it keeps an index: a notice inserted, deleted or
moved to another month, unit or property, and a unit moved to another building,
change them in the same transaction, whatever wrote the row (the ORM, a Core
insert of a month's notices, the benchmark's bulk load).  Nothing in the app
writes the table.  (SQLite: a later batch copy of ``fee_notice`` or ``unit`` drops
their triggers; such a migration must create them again.)

Revision ID: 3c8d1f5a7e92
Revises: 5b9e2c4d7a13
Create Date: 2026-12-01 05:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3c8d1f5a7e92'
down_revision = '5b9e2c4d7a13'
branch_labels = None
depends_on = None

FILL = """
INSERT INTO fee_notice_month (property_id, period_no, building_id, notices)
SELECT f.property_id, f.period_no, u.building_id, count(*)
FROM fee_notice f JOIN unit u ON u.id = f.unit_id
GROUP BY f.property_id, f.period_no, u.building_id
"""

PG_TRIGGERS = """
CREATE FUNCTION fee_notice_month_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    UPDATE fee_notice_month SET notices = notices - 1
    WHERE property_id = OLD.property_id AND period_no = OLD.period_no
      AND building_id = (SELECT building_id FROM unit WHERE id = OLD.unit_id);
  END IF;
  IF TG_OP <> 'DELETE' THEN
    INSERT INTO fee_notice_month AS m (property_id, period_no, building_id, notices)
    SELECT NEW.property_id, NEW.period_no, building_id, 1 FROM unit WHERE id = NEW.unit_id
    ON CONFLICT (property_id, period_no, building_id) DO UPDATE SET notices = m.notices + 1;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER fee_notice_month_count
AFTER INSERT OR DELETE OR UPDATE OF property_id, period_no, unit_id ON fee_notice
FOR EACH ROW EXECUTE FUNCTION fee_notice_month_count();

CREATE FUNCTION fee_notice_month_unit_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE fee_notice_month m SET notices = m.notices - f.n
  FROM (SELECT property_id, period_no, count(*) AS n FROM fee_notice
        WHERE unit_id = NEW.id GROUP BY property_id, period_no) f
  WHERE m.building_id = OLD.building_id AND m.property_id = f.property_id
    AND m.period_no = f.period_no;
  INSERT INTO fee_notice_month AS m (property_id, period_no, building_id, notices)
  SELECT property_id, period_no, NEW.building_id, count(*) FROM fee_notice
  WHERE unit_id = NEW.id GROUP BY property_id, period_no
  ON CONFLICT (property_id, period_no, building_id)
  DO UPDATE SET notices = m.notices + EXCLUDED.notices;
  RETURN NULL;
END $$;
CREATE TRIGGER fee_notice_month_unit_moved
AFTER UPDATE OF building_id ON unit
FOR EACH ROW WHEN (OLD.building_id IS DISTINCT FROM NEW.building_id)
EXECUTE FUNCTION fee_notice_month_unit_moved();
"""

# SQLite: one trigger per event; "ON CONFLICT" after a SELECT needs its WHERE.
_SQLITE_ADD = """
  INSERT INTO fee_notice_month (property_id, period_no, building_id, notices)
  SELECT NEW.property_id, NEW.period_no, building_id, 1 FROM unit WHERE id = NEW.unit_id
  ON CONFLICT (property_id, period_no, building_id) DO UPDATE SET notices = notices + 1;
"""
_SQLITE_TAKE = """
  UPDATE fee_notice_month SET notices = notices - 1
  WHERE property_id = OLD.property_id AND period_no = OLD.period_no
    AND building_id = (SELECT building_id FROM unit WHERE id = OLD.unit_id);
"""
SQLITE_TRIGGERS = [
    f"CREATE TRIGGER fee_notice_month_insert AFTER INSERT ON fee_notice BEGIN {_SQLITE_ADD} END",
    f"CREATE TRIGGER fee_notice_month_delete AFTER DELETE ON fee_notice BEGIN {_SQLITE_TAKE} END",
    "CREATE TRIGGER fee_notice_month_update AFTER UPDATE OF property_id, period_no, unit_id "
    f"ON fee_notice BEGIN {_SQLITE_TAKE} {_SQLITE_ADD} END",
    """CREATE TRIGGER fee_notice_month_unit_moved AFTER UPDATE OF building_id ON unit
    WHEN OLD.building_id IS NOT NEW.building_id BEGIN
      UPDATE fee_notice_month SET notices = notices - (
        SELECT count(*) FROM fee_notice f WHERE f.unit_id = NEW.id
          AND f.property_id = fee_notice_month.property_id
          AND f.period_no = fee_notice_month.period_no)
      WHERE building_id = OLD.building_id AND (property_id, period_no) IN (
        SELECT property_id, period_no FROM fee_notice WHERE unit_id = NEW.id);
      INSERT INTO fee_notice_month (property_id, period_no, building_id, notices)
      SELECT property_id, period_no, NEW.building_id, count(*) FROM fee_notice
      WHERE unit_id = NEW.id GROUP BY property_id, period_no
      ON CONFLICT (property_id, period_no, building_id)
      DO UPDATE SET notices = notices + excluded.notices;
    END""",
]


def upgrade():
    op.create_table(
        'fee_notice_month',
        sa.Column('property_id', sa.Integer(), nullable=False),
        sa.Column('period_no', sa.Integer(), nullable=False),
        sa.Column('building_id', sa.Integer(), nullable=False),
        sa.Column('notices', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['building_id'], ['building.id'],
                                name=op.f('fk_fee_notice_month_building_id_building')),
        sa.ForeignKeyConstraint(['property_id'], ['property.id'],
                                name=op.f('fk_fee_notice_month_property_id_property')),
        sa.PrimaryKeyConstraint('property_id', 'period_no', 'building_id',
                                name=op.f('pk_fee_notice_month')),
    )
    op.create_index('ix_fee_notice_month_period', 'fee_notice_month', ['period_no'],
                    unique=False)
    op.execute(FILL)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_TRIGGERS)
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER fee_notice_month_unit_moved ON unit")
        op.execute("DROP TRIGGER fee_notice_month_count ON fee_notice")
        op.execute("DROP FUNCTION fee_notice_month_unit_moved()")
        op.execute("DROP FUNCTION fee_notice_month_count()")
    else:
        for name in ("fee_notice_month_unit_moved", "fee_notice_month_update",
                     "fee_notice_month_delete", "fee_notice_month_insert"):
            op.execute(f"DROP TRIGGER {name}")
    op.drop_index('ix_fee_notice_month_period', table_name='fee_notice_month')
    op.drop_table('fee_notice_month')
