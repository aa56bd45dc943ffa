"""How the checkout log shows a borrower whatever the kind: a staff member, a
contractor (company, ID number, phone) or an owner/occupant (room) — ID numbers and
phones masked for roles that do not read personal data, on screen and in exports."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from i18n import cell_text
from models.key_borrowers import KeyCheckoutBorrower
from rules.personal_data import mask_personal, masked_in_exports, masked_on_screen

from .security import current_staff

BORROWER_LABELS = {"borrower_contact": _l("Borrower's ID number and phone"),
                   "kind": _l("Borrower kind"), "name": _l("Full name"), "company": _l("Company"),
                   "id_number": _l("ID number"), "phone": _l("Phone"),
                   "room": _l("Room"), "occupant": _l("Owner / occupant"),
                   "checkout": _l("Key checkout")}


def outside_masked(export: bool = False) -> frozenset[str]:
    """The outside borrower's columns this user sees masked (in a file: also those
    masked for roles without the unmasked-export right)."""
    user = current_staff()
    masked = masked_on_screen(user, "key_checkout", KeyCheckoutBorrower)
    return masked | masked_in_exports(user, KeyCheckoutBorrower) if export else masked


def kind_text(kind: str, context: Any = None) -> str:
    if kind == "contractor":
        return cell_text(context, "Contractor / outside person")
    if kind == "occupant":
        return cell_text(context, "Owner / occupant")
    return cell_text(context, "Staff member")


def borrower_text(model: Any, context: Any = None) -> str:
    """"王师傅（安达维修）· 外来人员 · 经办人 张三" — the name, company or room, the kind
    and the staff member responsible; a staff borrower is just the name."""
    outside = model.outside
    if outside is None:
        return model.borrower.full_name if model.borrower else ""
    staff = model.borrower.full_name if model.borrower else ""
    responsible = cell_text(context, "Responsible staff")    # outside the f-string: extracted
    return f"{outside} · {kind_text(outside.kind, context)} · {responsible} {staff}"


def contact_text(model: Any, export: bool = False) -> str:
    """The outside borrower's ID number and phone, masked per role."""
    outside = model.outside
    if outside is None:
        return ""
    masked = outside_masked(export)
    parts = [(mask_personal(v) if k in masked else v)
             for k in ("id_number", "phone") if (v := getattr(outside, k))]
    return " · ".join(parts)


def borrower_cell(view, context, model, name) -> Markup:
    kind = model.outside.kind if model.outside is not None else "staff"
    return Markup(f'<span class="key-borrower" data-kind="{kind}">'
                  f'{escape(borrower_text(model, context))}</span>')


def contact_cell(view, context, model, name) -> str:
    return contact_text(model)


def borrower_export(view, context, model, name) -> str:
    return borrower_text(model, context)


def contact_export(view, context, model, name) -> str:
    return contact_text(model, export=True)


def borrower_readable():
    """The outside borrower's history entries as people read them (masked per role)."""
    from audit.history import Readable

    kinds = {"contractor": _l("Contractor / outside person"), "occupant": _l("Owner / occupant")}
    return Readable(KeyCheckoutBorrower, BORROWER_LABELS, {"kind": kinds},
                    masked=outside_masked())


def borrower_entries(model: Any) -> list:
    """History entries of the checkout's outside borrower row (shown with its own)."""
    from audit.history import entries_of

    return entries_of(model.outside) if model.outside is not None else []


def kept_values(form: Any, kind: str) -> dict:
    """What the desk typed about an outside borrower, shown again after a refusal."""
    names = ("contractor_name", "contractor_company", "contractor_id_number",
             "contractor_phone", "occupant_id")
    return {"borrower_kind": kind, **{n: (form.get(n) or "").strip() for n in names}}


class OutsideBorrowerMixin:
    """The checkout log's side of outside borrowers: cells, export values, history."""

    def add_borrower_formatters(self) -> None:
        cells = {"borrower": borrower_cell, "borrower_contact": contact_cell}
        self.column_formatters = {**self.column_formatters, **cells}
        self.column_formatters_detail = {**(self.column_formatters_detail or {}), **cells}
        self.column_formatters_export = {**(self.column_formatters_export or {}),
                                         "borrower": borrower_export,
                                         "borrower_contact": contact_export}

    def related_entries(self, model) -> list:
        return super().related_entries(model) + borrower_entries(model)

    def readable_for_entry(self, table_name: str, own):
        """How a history entry among a checkout's reads (HistoryMixin.history_view)."""
        return borrower_readable() if table_name == "key_checkout_borrower" else own

    def _lean(self, query, export: bool = False):
        """The list loads every row's outside borrower in one ``SELECT … IN`` (the lean
        list query otherwise leaves a one-to-one link to load row by row)."""
        from sqlalchemy.orm import selectinload

        return super()._lean(query, export).options(
            selectinload(self.model.outside).lazyload("*"))
