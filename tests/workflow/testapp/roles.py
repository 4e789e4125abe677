"""The relational roles and conditions the "ticket" workflow table names (transitions' `roles` and `conditions`).
They read relations through selectors, never through hooks. register() hands them to the engine."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from xieshang.workflow import registry

from . import selectors

MODEL = "workflow_testapp.Ticket"


def is_submitter(user, ticket) -> bool:
    return ticket.submitter_id == user.pk


def all_countersigned(ticket, actor, payload) -> str | None:
    """Condition "all_countersigned": None when every co-handler has countersigned, else why not."""
    missing = selectors.missing_countersignatures(ticket)
    if missing:
        return _("还有 %(n)d 个协办人未会签。") % {"n": missing}
    return None


def register() -> None:
    registry.register_relational_role(
        MODEL, "submitter", is_submitter, label=_("提交人"), members=lambda ticket: [ticket.submitter]
    )
    registry.register_relational_role(
        MODEL, "co_handler", selectors.is_co_handler, label=_("协办人"), members=selectors.co_handlers_of
    )
    registry.register_condition("all_countersigned", all_countersigned, label=_("协办人全部会签"))
