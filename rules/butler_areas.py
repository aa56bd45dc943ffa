"""区域管家分区: each building is in one butler's care (guide ch.5 区域管家负责辖区内的
客户档案, ch.7 各区域管家应做好管辖区域内业主欠费统计).  A butler — and only a butler,
not the clerk, supervisor, finance or managers who also hold the registers — reads and
keeps the owner files, fee notices and arrears of their own buildings only; a butler
without a building sees none."""
from __future__ import annotations

from typing import Any, Iterable

from flask_babel import gettext as _
from sqlalchemy import func, select

from audit.until_write import until_next_write
from models.base import db
from models.fee_areas import ButlerBuilding
from models.reference import Unit

from .errors import RuleViolation
from .scope import scoped

# Holding any of these besides butler keeps the whole property in view.
WIDER_ROLES = ("clerk", "supervisor", "dept_manager", "property_manager", "general_manager",
               "finance", "auditor", "admin")


def own_area_only(user: Any) -> bool:
    return user is not None and user.has_role("butler") and not user.has_role(*WIDER_ROLES)


def own_buildings(user: Any):
    """SELECT of the building ids in ``user``'s care."""
    return select(ButlerBuilding.building_id).where(
        ButlerBuilding.butler_id == user.id, ButlerBuilding.voided_at.is_(None),
        ButlerBuilding.property_id == user.property_id)


def own_units(user: Any):
    """SELECT of the unit ids in ``user``'s care."""
    return select(Unit.id).where(Unit.building_id.in_(own_buildings(user)))


# An area of at most this many runs of consecutive unit ids is tested as ranges.
MAX_AREA_RUNS = 32


def limit_to_area(query: Any, unit_column: Any, user: Any) -> Any:
    """``query`` narrowed to the butler's units (unchanged for every other role)."""
    if not own_area_only(user):
        return query
    condition = _area_condition(unit_column, user)
    return query.filter(condition) if hasattr(query, "filter") else query.where(condition)


def count_in_area(user: Any, model: Any, *where: Any) -> int:
    """How many of ``model``'s rows match ``where`` in ``user``'s property and, for a
    butler, their own buildings: a due item's count is the rows its link lists (the
    butler's list of a fee register is their area's)."""
    q = scoped(select(func.count()).select_from(model).where(*where), model, user)
    return db.session.execute(limit_to_area(q, model.unit_id, user)).scalar()


def _area_condition(unit_column: Any, user: Any) -> Any:
    """The test "this row's unit is in the area", as cheap per row as each database
    allows: a list's order index is walked and every entry tested (a deep page of a
    butler's million arrears cases tests 40,000).

    Units are created building by building, so an area's unit ids fall into a few
    runs of consecutive numbers (``unit_runs``), tested as ranges:

    - PostgreSQL: the span from the area's first unit to its last, then the gaps
      between its runs left out.  The span's two bounds are tested by the index walk
      itself (a key of the order index holds the unit), only rows inside the span
      reach the gaps' test, and the plain column's statistics tell the planner how
      many rows match (page 1000's 40,000 entries: 3.7 ms as ranges, 2.2-2.9 ms so;
      a thousand-id array took 3.8 ms and 0.7 ms more to plan).
    - SQLite: ``unit + 0 BETWEEN first AND last`` per run (6.1 -> 3.0 ms against its
      own index of the area's subquery; ``>= AND <=`` is 4.0).

    A scattered area (more than ``MAX_AREA_RUNS`` runs) keeps the older forms."""
    from sqlalchemy import and_, false, or_

    runs = area_unit_runs(user)
    postgres = db.session.get_bind().dialect.name == "postgresql"
    if len(runs) <= MAX_AREA_RUNS:
        if not runs:
            return false()
        if postgres:
            gaps = [(a[1] + 1, b[0] - 1) for a, b in zip(runs, runs[1:])]
            return and_(unit_column >= runs[0][0], unit_column <= runs[-1][1],
                        *(unit_column != lo if lo == hi else ~unit_column.between(lo, hi)
                          for lo, hi in gaps))
        # ``unit + 0``: the unit column's own index is not used for this test.
        # Driving the query from that index read every row of every unit of the
        # area and sorted them (a million arrears cases: 0.8-1.3 s a page); SQLite
        # keeps no statistics of values to know better.
        column = unit_column + 0
        return or_(*(column == lo if lo == hi else column.between(lo, hi) for lo, hi in runs))
    if postgres:
        # the area's unit ids as one array value: PostgreSQL tests each row against
        # a hash of it; given the subquery it joined unit and butler_building for
        # every row walked (page 1000 of a butler's arrears: 42,000 rows, 37 -> 6 ms)
        from sqlalchemy import Integer, any_, bindparam
        from sqlalchemy.dialects.postgresql import ARRAY

        return (unit_column + 0) == any_(bindparam(
            "area_units", area_unit_ids(user), unique=True, type_=ARRAY(Integer)))
    return (unit_column + 0).in_(own_units(user))


def unit_runs(ids: Iterable[int]) -> list[tuple[int, int]]:
    """``ids`` as runs of consecutive numbers, (first, last) each, in order:
    [1, 2, 3, 7, 9, 10] -> [(1, 3), (7, 7), (9, 10)].  A range holds no number that
    is not in ``ids``, so testing the ranges is testing the ids."""
    runs: list[tuple[int, int]] = []
    for i in sorted(set(ids)):
        if runs and runs[-1][1] == i - 1:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs


def area_unit_runs(user: Any) -> list[tuple[int, int]]:
    """``unit_runs`` of the butler's area (kept, like its ids)."""
    return _kept(user, "area_unit_runs", lambda: unit_runs(area_unit_ids(user)))


def area_unit_ids(user: Any) -> list[int]:
    """The ids of the units in ``user``'s care (kept: a butler's every page read the
    area's thousand units)."""
    return _kept(user, "area_units",
                 lambda: db.session.execute(own_units(user)).scalars().all())


def _kept(user: Any, name: str, compute: Any) -> Any:
    """``compute()``, kept in a request until the next write (an area changes only
    by one); outside a request read afresh."""
    from flask import has_request_context

    if not has_request_context():
        return compute()
    return until_next_write((name, user.id, user.property_id), compute)


def in_area(user: Any, unit_id: int | None) -> bool:
    if not own_area_only(user):
        return True
    return unit_id is not None and db.session.execute(
        own_units(user).where(Unit.id == unit_id)).first() is not None


def check_own_unit(user: Any, unit_id: int | None) -> None:
    if not in_area(user, unit_id):
        raise RuleViolation(_("This unit is not in your area."))


def check_assignment(a: ButlerBuilding) -> None:
    """One active butler per building, a butler of the building's property."""
    if a.building is None or a.building.property_id != a.property_id:
        raise RuleViolation(_("You may only record data for your own property."))
    if a.butler is None or not a.butler.active or not a.butler.has_role("butler") \
            or a.butler.property_id != a.property_id:
        raise RuleViolation(_("Choose an active butler of this property."))
    if a.voided_at is None:
        other = db.session.execute(select(ButlerBuilding.id).where(
            ButlerBuilding.building_id == a.building.id, ButlerBuilding.voided_at.is_(None),
            ButlerBuilding.id != (a.id or 0))).first()
        if other is not None:
            raise RuleViolation(_("This building already has a butler; void that assignment "
                                  "first."))
