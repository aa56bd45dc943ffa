"""Registers are voided with a reason, never deleted; voided rows stay listed, marked."""
from __future__ import annotations

from flask import abort, flash, redirect, request
from flask_admin import expose
from flask_admin.helpers import get_redirect_target
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length

from i18n import utc_to_local
from models.base import utcnow
from rules.errors import StaleEdit

from .security import current_staff, requires
from .write_path import commit


class VoidMixin:
    """The void page and the hooks a register extends (``check_void``, ``void_model``)."""

    @expose("/void/", methods=("GET", "POST"))
    @requires("void")
    def void_view(self):
        return_url = get_redirect_target() or self.get_url(".index_view")
        if not hasattr(self.model, "voided_at"):
            abort(404)
        model = self.get_one_or_back()
        if model is None:
            return redirect(return_url)
        if model.voided_at is not None:
            flash(_("This record is already void."), "error")
            return redirect(return_url)
        form = VoidForm(formdata=request.form if request.method == "POST" else None)
        if request.method == "GET":
            form.version.data = model.version
        if request.method == "POST" and form.validate() and commit(
                lambda: self._void_checked(model, form), _("The record was voided."),
                self.endpoint):
            return redirect(return_url)
        return self.render("admin/kefu_void.html", model=model, form=form,
                           return_url=return_url)

    def _void_checked(self, model, form) -> None:
        if str(form.version.data) != str(model.version):
            raise StaleEdit(model)
        self.void_model(model, form.reason.data.strip())

    def void_model(self, model, reason: str) -> None:
        """Mark void; subclasses extend (e.g. a key application voids spares)."""
        self.check_void(model)
        model.voided_at = utcnow()
        model.voided_by_id = current_staff().id
        model.void_reason = reason

    def check_void(self, model) -> None:
        """Raise ``RuleViolation`` when this row may not be voided now."""


def void_badge(view, context, model, name) -> Markup | str:
    """List/details cell for ``voided_at``: a red badge with the reason as tooltip."""
    if getattr(model, "voided_at", None) is None:
        return ""
    title = escape(model.void_reason or "")
    return Markup(f'<span class="badge badge-danger void-badge" title="{title}">'
                  f'{escape(_("Void"))}</span>')


def void_text(view, context, model, name) -> str:
    """Export cell for ``voided_at``: "作废 <time>: <reason>" or empty."""
    if getattr(model, "voided_at", None) is None:
        return ""
    return f"{_('Void')} {utc_to_local(model.voided_at):%Y-%m-%d %H:%M}: {model.void_reason or ''}"



class VoidForm(FlaskForm):
    """CSRF is checked app-wide by CSRFProtect; FlaskForm brings translated messages."""

    class Meta:
        csrf = False

    reason = TextAreaField(_l("Reason for voiding"),
                           validators=[DataRequired(), Length(min=2, max=500)])
    version = HiddenField()
