"""Editing and review: the information staff edit the text (every change kept as a version the author sees) and
take the transitions that carry no records of their own (start editing, approve, send back, archive, close)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from xieshang.audit.services import audit_record
from xieshang.workflow import services as workflow
from xieshang.workflow.models import WorkflowEvent
from xieshang.workflow.selectors import state_allows

from ..models import Report, ReportVersion
from ._base import check_text, index_later, lock, refresh, require

if TYPE_CHECKING:
    from xieshang.accounts.models import User

# Transitions the generic endpoint may take: they carry no records of their own.
SIMPLE_TRANSITIONS = ("take_up", "approve", "reopen", "archive", "close")


def report_edit(*, actor: User, report: Report, title: str, body: str, note: str = "") -> ReportVersion | None:
    """Information staff edit the text; each change is kept as a version the author sees. None when unchanged."""
    require("opinions.manage_report", actor, report)
    title, body = check_text(report.organization_id, title, body)
    with transaction.atomic():
        locked = lock(report)
        if not state_allows(locked, "edit"):
            raise ValidationError(
                {"body": _("当前状态“%(state)s”下不能修改文稿，请先“开始编辑”或“退回修改”。") % {"state": locked.state}}
            )
        if locked.title == title and locked.body == body:
            return None
        last = locked.versions.aggregate(m=Max("number"))["m"] or 0
        version = ReportVersion.objects.create(
            report=locked,
            number=last + 1,
            title=title,
            body=body,
            editor=actor,
            editor_name=actor.display_name,
            note=(note or "").strip()[:200],
        )
        locked.title, locked.body = title, body
        locked.save(update_fields=["title", "body", "updated_at"])
        audit_record(actor=actor, action="opinions.edit", obj=locked, detail={"version": version.number})
        index_later(locked)
    refresh(report, locked)
    return version


def report_transition(
    *, actor: User, report: Report, key: str, reason: str = "", expected_state: Any = None
) -> WorkflowEvent:
    """The transitions without records of their own (start editing, approve, send back, archive, close). The
    engine runs hooks.on_<key> and re-indexes the report (hooks.on_transition)."""
    if key not in SIMPLE_TRANSITIONS:
        raise ValidationError(_("此操作须在相应表单中办理。"))
    return workflow.transition(
        actor=actor, obj=report, transition_key=key, reason=reason, expected_state=expected_state
    )
