"""Commands: ``backup [--to DIR]``, ``backup check FILE``, ``db grant-app-role NAME``."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from models.base import db


def register(app: Flask) -> None:
    @app.cli.group("backup", invoke_without_command=True,
                   help="Back up the database (default), or check a backup by restoring it.")
    @click.option("--to", "folder", default=None, type=click.Path(file_okay=False),
                  help="Folder for the copy (default KEFU_BACKUP_DIR).")
    @click.pass_context
    @with_appcontext
    def backup(ctx: click.Context, folder: str | None) -> None:
        """Write the copy, its .sha256 and its .head; prune old copies; record the run."""
        if ctx.invoked_subcommand is not None:
            return
        from . import backup as b

        target = Path(folder or current_app.config["KEFU_BACKUP_DIR"])
        try:
            made = b.take(db.engine, target)
        except Exception as exc:  # noqa: BLE001 — recorded, then reported
            b.record(db.engine, False, str(target), "cli: flask backup")
            click.echo(f"FAILED: {exc}", err=True)
            sys.exit(1)
        b.record(db.engine, True, str(made.path), "cli: flask backup", made)
        gone = b.prune(target, current_app.config["KEFU_BACKUP_KEEP_DAILY"],
                       current_app.config["KEFU_BACKUP_KEEP_MONTHLY"])
        click.echo(f"OK: {made.path} ({made.size} bytes) sha256 {made.sha256} head {made.head}"
                   + (f"; pruned {len(gone)} old copies" if gone else ""))

    @backup.command("check")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False))
    @click.option("--server", envvar="KEFU_BACKUP_CHECK_URL", default=None,
                  help="PostgreSQL: a URL of a role that may create databases (the owner), "
                       "for the scratch database; default DATABASE_URL.")
    def backup_check(file: str, server: str | None) -> None:
        """Restore FILE into a scratch database; checksum, schema head, history."""
        from sqlalchemy.engine import make_url

        from config import normalise_database_url
        from .restore_check import check

        url = make_url(normalise_database_url(server)) if server else db.engine.url
        res = check(Path(file), url)
        if res.ok:
            total = sum(res.rows.values())
            click.echo(f"OK: {file} restores; schema at {res.revision}; {res.entries} history "
                       f"entries verify against the saved head; {total} rows in "
                       f"{len(res.rows)} tables")
            return
        click.echo(f"FAILED: {file}", err=True)
        for p in res.problems:
            click.echo(f"  - {p}", err=True)
        sys.exit(1)

    from flask_migrate.cli import db as db_group

    @db_group.command("grant-app-role")
    @click.argument("name")
    @with_appcontext
    @click.option("--password-env", default=None, metavar="VAR",
                  help="Set the role's password from this environment variable.")
    def grant_app_role(name: str, password_env: str | None) -> None:
        """PostgreSQL: create/refresh the app's least-privilege login role (run as
        the owner after every upgrade)."""
        from .pgroles import grant

        if db.engine.dialect.name != "postgresql":
            raise click.UsageError("roles are PostgreSQL's; SQLite has none")
        password = os.environ.get(password_env) if password_env else None
        with db.engine.begin() as conn:
            grant(conn, name, password)
        click.echo(f"{name}: may read and write the registers, only insert history; "
                   f"cannot alter tables or disable triggers")
