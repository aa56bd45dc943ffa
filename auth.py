"""Login, logout and the language switch."""
from __future__ import annotations

from urllib.parse import urlparse

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from extensions import login_manager
from models.base import db
from models.staff import Staff
from rules.credentials import check_credentials

bp = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=60)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    next = HiddenField()


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


@login_manager.user_loader
def load_user(user_id: str):
    try:
        sid, epoch = (int(p) for p in user_id.split(":"))
    except ValueError:
        return None
    staff = db.session.get(Staff, sid)
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
        result = check_credentials(form.username.data, form.password.data)
        db.session.commit()  # failures are counted even though login is refused
        if result.ok:
            session.clear()
            session.permanent = True
            login_user(result.staff)
            current_app.logger.info("login %s from %s", result.staff.username, request.remote_addr)
            return redirect(safe_next(form.next.data))
        error = result.error
    status = 200 if error is None else 401
    return render_template("auth/login.html", form=form, error=error), status


@bp.route("/logout", methods=["POST"])
def logout():
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
