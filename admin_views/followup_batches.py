"""回访批次: a 下雨后回访 batch started by a supervisor (its units listed when it
starts, each with a link to record its visit) and a holiday greeting batch.  Batches
are never edited: void and start again."""
from __future__ import annotations

from flask import request
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import SelectField

from i18n import local_today
from models.base import db
from models.followup_batches import (BATCH_KIND_LABELS, BATCH_KINDS, FESTIVAL_LABELS, FESTIVALS,
                                     GREETING_LABELS, GREETING_METHODS)
from models.followups import FollowUpVisit
from models.followup_batches import FollowUpBatchUnit
from rules import followup_batches as batch_rules

from .base import RegisterView, current_staff
from .prefill import fill

BATCH_LABELS = {"kind": _l("Kind of batch"), "held_on": _l("Rain day or festival day"),
                "festival": _l("Festival"), "greeting_method": _l("Greeting sent by"),
                "greeting": _l("Greeting"), "notes": _l("Notes"), "units": _l("Units to visit"),
                "created_by": _l("Started by")}


class FollowUpBatchView(RegisterView):
    """下雨后回访 and 节日 batches; their visits are 客户回访记录表 rows."""
    record_models = (FollowUpBatchUnit,)   # named after this register in the history

    register = "followup_batch"
    details_template = "admin/complaints/batch_details.html"
    column_list = ("held_on", "kind", "festival", "greeting_method", "created_by", "created_at")
    column_details_list = ("kind", "held_on", "festival", "greeting_method", "greeting", "notes",
                           "created_by", "created_at", "voided_at")
    column_export_list = column_details_list
    column_labels = BATCH_LABELS
    column_default_sort = ("held_on", True)
    column_sortable_list = ("held_on",)
    column_filters = ("held_on", "kind")
    column_choices = {"kind": list(BATCH_KIND_LABELS.items()),
                      "festival": list(FESTIVAL_LABELS.items()),
                      "greeting_method": list(GREETING_LABELS.items())}
    form_columns = ("kind", "held_on", "festival", "greeting_method", "greeting", "notes")
    form_excluded_columns_extra = ("units",)
    form_overrides = {"kind": SelectField, "festival": SelectField,
                      "greeting_method": SelectField}
    form_args = {
        "kind": {"choices": [(k, BATCH_KIND_LABELS[k]) for k in BATCH_KINDS]},
        "festival": {"choices": [("", "—"), *[(f, FESTIVAL_LABELS[f]) for f in FESTIVALS]]},
        "greeting_method": {"choices": [("", "—"),
                                        *[(m, GREETING_LABELS[m]) for m in GREETING_METHODS]]},
        "held_on": {"default": local_today},
    }

    def create_form(self, obj=None):
        form = super().create_form(obj)
        kind, festival = request.args.get("kind"), request.args.get("festival")
        fill(form, kind=kind if kind in BATCH_KINDS else None,
             festival=festival if festival in FESTIVALS else None)
        return form

    def validate_rules(self, form, model, is_created: bool) -> None:
        model.festival = model.festival or None
        model.greeting_method = model.greeting_method or None
        if is_created:
            batch_rules.start_batch(model, current_staff())

    def visited_units(self, model) -> set[int]:
        """Units of the batch with a live visit (for the details page)."""
        return set(db.session.execute(select(FollowUpVisit.unit_id).where(
            FollowUpVisit.batch_id == model.id, FollowUpVisit.voided_at.is_(None))).scalars())
