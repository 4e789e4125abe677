"""What the payload keys of proposal and micro-proposal events mean on a timeline (workflow.timeline): the category,
the ground for not filing and the units by name, the reply grade by its label, the proposal merged into as a link.
Written by hooks.py and services/ (classify, review, assignment, replies)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xieshang.accounts.models import HandlingUnit
from xieshang.workflow.timeline import link, register_payload

from .models import Category, NotFiledGround, Proposal, Reply

WORKFLOWS = ("proposal", "micro_proposal")


def _row(model: Any, value: Any, event: Any, *, shared: bool = False) -> Any:
    """The row `value` names, in the event's organization (or a platform default row); None when it is gone."""
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    scope = Q(organization_id=event.organization_id)
    if shared:
        scope |= Q(organization__isnull=True)
    return model.objects.filter(scope, pk=pk).first()


def _named(model: Any, *, shared: bool = False):
    def describe(value: Any, event: Any) -> str | None:
        row = _row(model, value, event, shared=shared)
        return str(row) if row is not None else str(_("（已删除）"))

    return describe


def _unit(value: Any, event: Any) -> str | None:
    row = _row(HandlingUnit, value, event)
    return row.name if row is not None else str(_("（已删除）"))


def _proposal(value: Any, event: Any) -> Any:
    row = _row(Proposal, value, event)
    if row is None:
        return str(_("（已删除）"))
    return link(row.get_absolute_url(), str(row))


def _grade(value: Any, event: Any) -> str | None:
    if not value:
        return None
    try:
        return str(Reply.Grade(str(value)).label)
    except ValueError:
        return str(value)


def register() -> None:
    for key in WORKFLOWS:
        register_payload(key, "category", label=_("类别"), describe=_named(Category, shared=True))
        register_payload(key, "ground", label=_("理由类别"), describe=_named(NotFiledGround, shared=True))
        register_payload(key, "merge_into", label=_("并入提案"), describe=_proposal)
        register_payload(key, "grade", label=_("答复类别"), describe=_grade)
        register_payload(key, "unit", label=_("承办单位"), describe=_unit)
        register_payload(key, "from_unit", label=_("原承办单位"), describe=_unit)
        register_payload(key, "to_unit", label=_("改由"), describe=_unit)
