"""Form pieces for two-person entry (``rules/two_person.py``): the second person's
username and password/PIN on the same form, never written onto the model."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, SelectField, StringField

from rules.two_person import CosignRule, verify_cosigner


class _FormOnly:
    def populate_obj(self, obj: Any, name: str) -> None:
        return None


class FormOnlyString(_FormOnly, StringField):
    pass


class FormOnlySelect(_FormOnly, SelectField):
    pass


class FormOnlyPassword(_FormOnly, PasswordField):
    pass


COSIGN_FIELD_NAMES = ("cosigner_username", "cosign_method", "cosigner_secret")


def cosign_fields() -> dict[str, Any]:
    """``form_extra_fields`` for a Flask-Admin form with a same-form co-signer."""
    return {
        "cosigner_username": FormOnlyString(_l("Second person: username")),
        "cosign_method": FormOnlySelect(_l("Confirms with"), default="pin",
                                        choices=[("pin", _l("PIN")),
                                                 ("password", _l("Password"))]),
        "cosigner_secret": FormOnlyPassword(_l("Password or PIN")),
    }


def cosigner_from(values: dict[str, Any], rule: CosignRule, actor_id: int,
                  property_id: int):
    """(cosigner or None, method) from submitted values; raises on bad credentials.
    None when the second person left both fields empty (co-sign later)."""
    username = (values.get("cosigner_username") or "").strip()
    secret = values.get("cosigner_secret") or ""
    method = "password" if values.get("cosign_method") == "password" else "pin"
    if not username and not secret:
        return None, method
    return verify_cosigner(rule, username=username, secret=secret, method=method,
                           actor_id=actor_id, property_id=property_id), method
