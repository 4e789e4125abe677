"""The relational roles and conditions the report workflow names; register() hands them to the engine.

The roles are the relations visibility.py declares (AUTHOR, FORWARDED_UNIT), each also an audience of
who may open a report. The conditions guard the transitions that carry records (publish, send up,
forward, reply, instruction, adoption): each checks that rows back what the event will say, so the services (which
write the rows first, in the same transaction) pass and the generic workflow endpoint, which writes no rows, is
refused with the hint to use the report page's form."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xieshang.workflow import registry

from . import selectors
from .models import BulletinIssue, Level
from .visibility import AUTHOR, FORWARDED_UNIT
from .workflows import (
    ADOPTION_RECORDED,
    DISPATCH_RECORDED,
    FORWARD_RECORDED,
    IN_PUBLISHED_ISSUE,
    INSTRUCTION_RECORDED,
    REPLY_RECORDED,
)

MODEL = "opinions.Report"
# The condition the default workflow named before migration 0003; kept for a copy whose transition it could not
# map (a transition an administrator added): such a transition stays refused outside the report page, as before.
LEGACY_SERVICE_ONLY = "opinions.service"


def _use_the_form() -> str:
    return _("此操作需在社情民意页面的相应表单中办理。")


def _named(payload, key: str) -> list[str]:
    return [n for n in str((payload or {}).get(key) or "").split("、") if n]


def in_published_issue(report, actor, payload) -> str | None:
    """刊发: the report's issue is published (issue_publish publishes the issue, then each report)."""
    if (
        (payload or {}).get("issue")
        and report.issue_id
        and BulletinIssue.objects.filter(pk=report.issue_id, status=BulletinIssue.Status.PUBLISHED).exists()
    ):
        return None
    return _use_the_form()


def dispatch_recorded(report, actor, payload) -> str | None:
    """报送: every recipient the event names has a dispatch row of this report."""
    names = set(_named(payload, "recipients"))
    if names and names <= set(report.dispatches.values_list("recipient__name", flat=True)):
        return None
    return _use_the_form()


def forward_recorded(report, actor, payload) -> str | None:
    """转办: every unit the event names has a forward row of this report."""
    names = set(_named(payload, "units"))
    if names and names <= set(report.forwards.values_list("unit__name", flat=True)):
        return None
    return _use_the_form()


def reply_recorded(report, actor, payload) -> str | None:
    """办理回复: the unit the event names replied to its forward of this report."""
    unit = str((payload or {}).get("unit") or "")
    replied = unit and report.forwards.filter(unit__name=unit, replied_at__isnull=False).exists()
    return None if replied else _use_the_form()


def instruction_recorded(report, actor, payload) -> str | None:
    """批示: an instruction row of this report by the leader the event names."""
    leader = str((payload or {}).get("leader") or "")
    found = leader and any(selectors.instruction_leader(i) == leader for i in report.instructions.all())
    return None if found else _use_the_form()


def adoption_recorded(report, actor, payload) -> str | None:
    """采用: an adoption row of this report at the level the event names."""
    label = str((payload or {}).get("level") or "")
    levels = report.adoptions.values_list("level", flat=True) if label else []
    found = any(str(Level(level).label) == label for level in levels)
    return None if found else _use_the_form()


def service_only(report, actor, payload) -> str | None:
    return _use_the_form()


CONDITIONS = {
    IN_PUBLISHED_ISSUE: (in_published_issue, gettext_lazy("所在刊物已刊发")),
    DISPATCH_RECORDED: (dispatch_recorded, gettext_lazy("已在表单中选择报送对象")),
    FORWARD_RECORDED: (forward_recorded, gettext_lazy("已在表单中选择承办单位")),
    REPLY_RECORDED: (reply_recorded, gettext_lazy("承办单位已填写回复")),
    INSTRUCTION_RECORDED: (instruction_recorded, gettext_lazy("已在表单中记录批示")),
    ADOPTION_RECORDED: (adoption_recorded, gettext_lazy("已在表单中记录采用")),
    LEGACY_SERVICE_ONLY: (service_only, gettext_lazy("在专门表单中办理")),
}


def register() -> None:
    registry.register_relations(MODEL, AUTHOR, FORWARDED_UNIT)
    for key, (fn, label) in CONDITIONS.items():
        registry.register_condition(key, fn, label=label)
