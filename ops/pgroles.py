"""Least privilege on PostgreSQL: the owner role migrates, the app role works.

The owner of the tables can disable the append-only triggers on ``audit_log``
and rewrite history; the app must not be that role.  ``grant_statements`` gives
a login role what the app needs and nothing more: read and write the registers;
only SELECT and INSERT on the insert-only tables (history, checkpoints, backup
runs, stored files); SELECT on ``alembic_version``; the sequences; and the same
by default on tables and sequences the owner creates later.  Not the owner, it
cannot ALTER or DROP a table nor disable a trigger; no TRUNCATE, no TRIGGER.
Run it after every ``db upgrade`` (``flask db grant-app-role``; idempotent).
"""
from __future__ import annotations

import re

INSERT_ONLY = ("audit_log", "audit_checkpoint", "backup_run", "stored_blob")
READ_ONLY = ("alembic_version",)
_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _ident(name: str) -> str:
    if not _NAME.match(name):
        raise ValueError(f"not a plain role name: {name!r}")
    return f'"{name}"'


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def grant_statements(role: str, owner: str, password: str | None = None) -> list[str]:
    """SQL, run as the owner (or a superuser) in the app's database."""
    r, o = _ident(role), _ident(owner)
    login = f"LOGIN PASSWORD {_literal(password)}" if password else "LOGIN"
    sql = [
        f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = {_literal(role)}) "
        f"THEN CREATE ROLE {r} {login} NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT; "
        f"END IF; END $$",
        f"ALTER ROLE {r} {login} NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS",
        f"GRANT USAGE ON SCHEMA public TO {r}",
        f"REVOKE CREATE ON SCHEMA public FROM {r}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {r}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {r}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {r}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA public "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {r}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {o} IN SCHEMA public "
        f"GRANT USAGE, SELECT ON SEQUENCES TO {r}",
    ]
    for table in INSERT_ONLY:
        sql.append(f"DO $$ BEGIN IF to_regclass('public.{table}') IS NOT NULL THEN "
                   f"REVOKE UPDATE, DELETE ON public.{table} FROM {r}; END IF; END $$")
    for table in READ_ONLY:
        sql.append(f"DO $$ BEGIN IF to_regclass('public.{table}') IS NOT NULL THEN "
                   f"REVOKE INSERT, UPDATE, DELETE ON public.{table} FROM {r}; END IF; END $$")
    return sql


def grant(conn, role: str, password: str | None = None) -> None:
    """Run ``grant_statements`` on a SQLAlchemy connection of the owner."""
    from sqlalchemy import text

    owner = conn.execute(text("SELECT tableowner FROM pg_tables WHERE schemaname = 'public' "
                              "AND tablename = 'audit_log'")).scalar()
    if owner is None:
        raise RuntimeError("no audit_log table: run 'flask db upgrade' first")
    for statement in grant_statements(role, owner, password):
        conn.execute(text(statement))
