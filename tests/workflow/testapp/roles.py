"""The relational roles and conditions the "ticket" workflow table names (transitions' `roles` and `conditions`).
A role is an accounts.relations.Relation, written once: here when only the workflow and the rules name it, in
visibility.py when it is also an audience of who may see the ticket (SUBMITTER, CO_HANDLER). Conditions read
through selectors, never through hooks. register() hands both to the engine."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from xieshang.workflow import registry

from . import selectors
from .visibility import CO_HANDLER, SUBMITTER

MODEL = "workflow_testapp.Ticket"


def all_countersigned(ticket, actor, payload) -> str | None:
    """Condition "all_countersigned": None when every co-handler has countersigned, else why not."""
    missing = selectors.missing_countersignatures(ticket)
    if missing:
        return _("还有 %(n)d 个协办人未会签。") % {"n": missing}
    return None


def register() -> None:
    registry.register_relations(MODEL, SUBMITTER, CO_HANDLER)
    registry.register_condition("all_countersigned", all_countersigned, label=_("协办人全部会签"))
