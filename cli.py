"""Commands: ``demo-data``, ``create-user``, ``audit verify``, ``audit head``; the
operations commands (backup, roles) are in ``ops/cli.py``."""
from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from audit import system_actor
from models import Property, Staff
from models.base import db
from rules.roles import ROLES

from demo_data import DEMO_PASSWORD, DEMO_PIN, load_demo  # noqa: F401 — re-exported for tests


def register(app: Flask) -> None:
    @app.cli.command("demo-data")
    @click.option("--password", default=DEMO_PASSWORD, show_default=True,
                  help="Password for every demo login.")
    def demo_data(password: str) -> None:
        """A demo property with buildings, units, occupants and one login per role."""
        load_demo(password)
        click.echo("Demo data loaded. Logins (username / password):")
        for role in ROLES + ("clerk2",):
            click.echo(f"  {role:<17} {password}")
        click.echo(f"Co-sign PIN for every demo login: {DEMO_PIN}")

    @app.cli.command("create-user")
    @click.argument("username")
    @click.option("--role", "roles", multiple=True, required=True,
                  type=click.Choice(ROLES), help="Repeat for several roles.")
    @click.option("--password", required=True)
    @click.option("--property", "property_code", default=None,
                  help="Home property code; omit for head office (all properties).")
    @click.option("--name", "full_name", default=None, help="Full name (defaults to username).")
    @click.option("--pin", default=None, help="Co-sign PIN (4–8 digits).")
    @click.option("--must-change", is_flag=True,
                  help="The person must replace the password (and PIN) at first login.")
    def create_user(username, roles, password, property_code, full_name, pin,
                    must_change) -> None:
        """Create a staff member (or reset an existing one's roles and password)."""
        from rules.errors import RuleViolation
        from rules.staff import check_new_password, check_new_pin, give_secrets

        try:
            check_new_password(password, username)
        except RuleViolation as exc:
            raise click.BadParameter(str(exc), param_hint="--password") from exc
        if pin:
            try:
                check_new_pin(pin)
            except RuleViolation as exc:
                raise click.BadParameter(str(exc), param_hint="--pin") from exc
        with system_actor("cli:create-user"):
            prop_id = None
            if property_code:
                prop = db.session.execute(
                    select(Property).where(Property.code == property_code)).scalar_one_or_none()
                if prop is None:
                    raise click.BadParameter(f"no property with code {property_code}",
                                             param_hint="--property")
                prop_id = prop.id
            staff = db.session.execute(
                select(Staff).where(Staff.username == username)).scalar_one_or_none()
            if staff is None:
                staff = Staff(username=username, full_name=full_name or username)
                db.session.add(staff)
            elif full_name:
                staff.full_name = full_name
            staff.role_set = set(roles)
            staff.property_id = prop_id
            staff.active = True
            if must_change:
                give_secrets(staff, password, pin)
            else:
                staff.set_password(password)
                if pin:
                    staff.set_pin(pin)
            db.session.commit()
        click.echo(f"{username}: roles {', '.join(sorted(roles))}, "
                   f"property {property_code or 'ALL (head office)'}")

    audit_group = AppGroup("audit", help="History chain: verify it, export its head.")
    app.cli.add_command(audit_group)

    @audit_group.command("verify")
    @click.option("--no-rows", is_flag=True, help="Check the chain only, not the live rows.")
    @click.option("--anchor", default=None, metavar="ID:HASH",
                  help="An entry id and hash exported earlier with 'audit head' "
                       "(default: the newest line of KEFU_ANCHOR_FILE).")
    def audit_verify(no_rows: bool, anchor: str | None) -> None:
        """Exit 0 when the chain is intact; otherwise name the first bad entry."""
        from audit.anchor import verify_anchored
        from audit.verify import record_checkpoint

        anchor_t = None
        if anchor:
            aid, ahash = anchor.split(":", 1)
            anchor_t = (int(aid), ahash)
        res = verify_anchored(db.engine, check_rows=not no_rows, anchor=anchor_t)
        record_checkpoint(db.engine, res, "cli: flask audit verify")
        if res.ok:
            click.echo(f"OK: {res.entries} entries verified, head #{res.head_id} "
                       f"{res.head_hash}; {res.rows_checked} live rows match their history "
                       f"({res.seconds:.2f} s)")
            return
        click.echo(f"FAILED: first bad entry #{res.bad_entry_id}" if res.bad_entry_id
                   else "FAILED", err=True)
        for p in res.problems:
            click.echo(f"  - {p}", err=True)
        sys.exit(1)

    @audit_group.command("head")
    def audit_head() -> None:
        """Print ID:HASH of the newest entry, to keep outside the database."""
        from models.audit import AuditEntry

        row = db.session.execute(
            select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
        ).first()
        click.echo(f"{row[0]}:{row[1]}" if row else "0:" + "0" * 64)

    from ops.cli import register as register_ops

    register_ops(app)


