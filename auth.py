"""Login, logout, the forced change of a given password/PIN, and the language
switch.  A session is valid while the staff member's ``session_epoch`` equals the
one in the cookie: logout, deactivation and any password/PIN change bump it."""
from __future__ import annotations

import functools
from urllib.parse import urlparse

from flask import (Blueprint, current_app, flash, redirect, render_template, request, session,
                   url_for)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import bindparam, select
from sqlalchemy.orm.exc import StaleDataError
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from audit.until_write import read_with_history_head, with_history_head
from extensions import login_manager
from models.base import db
from models.staff import CHEAP_HASHER, Staff, use_hasher
from credentials import LOGIN, check_credentials
from rules.errors import RuleViolation
from rules.staff import change_own_secrets, end_sessions_on_logout, must_change

bp = Blueprint("auth", __name__)
# Pages a person with a given password/PIN may still open (everything else leads
# to the change page until they have chosen their own).
OPEN_WHILE_CHANGING = {"auth.change_secrets", "auth.logout", "auth.set_language",
                       "auth.login", "static", "admin.static"}


@bp.record_once
def use_cheap_hashing(state) -> None:
    """Under TESTING, argon2 with the smallest cost (same algorithm)."""
    if state.app.config.get("TESTING"):
        use_hasher(CHEAP_HASHER)


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=60)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    next = HiddenField()


class ChangeSecretsForm(FlaskForm):
    current_password = PasswordField(_l("Current password"),
                                     validators=[DataRequired(), Length(max=200)])
    new_password = PasswordField(_l("New password"), validators=[Optional(), Length(max=200)])
    confirm_password = PasswordField(_l("New password again"), validators=[
        EqualTo("new_password", message=_l("The two new passwords differ."))])
    new_pin = PasswordField(_l("New co-sign PIN"), validators=[Optional(), Length(max=8)])
    confirm_pin = PasswordField(_l("New PIN again"), validators=[
        EqualTo("new_pin", message=_l("The two new PINs differ."))])


def safe_next(target: str | None) -> str:
    """Only same-site relative paths; anything else goes to the admin home."""
    fallback = url_for("admin.index")
    if not target:
        return fallback
    target = target.strip().replace("\\", "/")
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    if any(ord(ch) < 32 for ch in target):
        return fallback
    return target


@functools.cache
def _staff_and_head():
    """The signed-in person by id, with the history's head (built once: the statement
    and its cache key cost ~0.2 ms a page to build again)."""
    return with_history_head(select(Staff).where(Staff.id == bindparam("staff_id")))


@login_manager.user_loader
def load_user(user_id: str):
    try:
        sid, epoch = (int(p) for p in user_id.split(":"))
    except ValueError:
        return None
    staff = read_with_history_head(_staff_and_head(), {"staff_id": sid})
    if staff is None or not staff.active or staff.session_epoch != epoch:
        return None
    return staff


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    error = None
    if form.validate_on_submit():
        result = check_credentials(form.username.data, form.password.data, purpose=LOGIN)
        if result.ok:
            session.clear()
            session.permanent = True
            login_user(result.staff)
            if any(must_change(result.staff.id)):
                session["must_change"] = True
            current_app.logger.info("login %s from %s", result.staff.username, request.remote_addr)
            return redirect(safe_next(form.next.data))
        error = result.error
    status = 200 if error is None else 401
    return render_template("auth/login.html", form=form, error=error), status


@bp.before_app_request
def _require_own_secrets():
    """Until a given password/PIN is replaced, every page leads to the change page.
    The flag is read at login (a reset by the admin ends the session anyway)."""
    if session.get("must_change") and request.endpoint not in OPEN_WHILE_CHANGING \
            and current_user.is_authenticated:
        return redirect(url_for("auth.change_secrets"))
    return None


@bp.route("/account/secrets", methods=["GET", "POST"])
@login_required
def change_secrets():
    """Change one's own password and/or co-sign PIN (forced after the admin gave one)."""
    needs_pw, needs_pin = must_change(current_user.id)
    form = ChangeSecretsForm()
    error = None
    if form.validate_on_submit():
        checked = check_credentials(current_user.username, form.current_password.data,
                                    purpose=LOGIN)
        if not checked.ok:
            error = checked.error
        else:
            staff = checked.staff
            try:
                change_own_secrets(staff, form.new_password.data or None,
                                   form.new_pin.data or None)
                db.session.commit()
            except RuleViolation as exc:
                db.session.rollback()
                error = str(exc)
            else:
                # the change ended every session; this one continues with the new epoch
                login_user(db.session.get(Staff, staff.id))
                session.pop("must_change", None)
                flash(_("Your new password/PIN is saved."), "success")
                return redirect(url_for("admin.index"))
    elif request.method == "POST":
        error = " ".join(str(m) for msgs in form.errors.values() for m in msgs)
    status = 200 if error is None else 400
    return render_template("auth/change_secrets.html", form=form, error=error,
                           needs_pw=needs_pw, needs_pin=needs_pin), status


@bp.route("/logout", methods=["POST"])
def logout():
    """Ends every session of the person on the server, not only this cookie."""
    if current_user.is_authenticated:
        staff_id = current_user.id
        for _attempt in range(2):   # a concurrent edit of the row: read it again
            try:
                end_sessions_on_logout(db.session.get(Staff, staff_id))
                db.session.commit()
                break
            except StaleDataError:
                db.session.rollback()
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


@bp.route("/lang", methods=["POST"])
def set_language():
    lang = request.form.get("lang", "")
    if lang in current_app.config["SUPPORTED_LOCALES"]:
        session["lang"] = lang
        if current_user.is_authenticated and current_user.locale != lang:
            current_user.locale = lang
            db.session.commit()
    return redirect(safe_next(request.form.get("next")))


@bp.route("/")
def root():
    return redirect(url_for("admin.index"))
