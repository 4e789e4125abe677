"""What the payload keys of opinion-report events mean on a timeline (workflow.timeline). services/ writes them:
urgent at submission, the proposal a converted report came from, the issue, recipients, units, the instructing
leader and the adoption level (names and labels as they were, the level shown in the reader's language)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from xieshang.workflow.timeline import link, register_payload, text

from .models import Level, Report

WORKFLOW = "opinion_report"


def _urgent(value: Any, event: Any) -> str | None:
    return gettext("是") if value is True or str(value).lower() in ("true", "1") else None


def _from_proposal(value: Any, event: Any) -> Any:
    source = Report.objects.filter(pk=event.object_id).values_list("source_url", "source_label").first()
    if source and source[0]:
        return link(source[0], source[1] or source[0])
    try:
        return link(reverse("proposals:detail", args=[int(value)]), gettext("原提案"))
    except (TypeError, ValueError):
        return text(value)


def _level(value: Any, event: Any) -> str | None:
    """Written as the label in the writer's language (services/adoption, services/sending): read back in the
    reader's."""
    raw = str(value or "").strip()
    if not raw:
        return None
    for level in Level:
        names = {level.value}
        for language in ("zh-hans", "en"):
            with translation.override(language):
                names.add(str(level.label))
        if raw in names:
            return str(level.label)
    return raw


def register() -> None:
    register_payload(WORKFLOW, "urgent", label=_("紧急件"), describe=_urgent)
    register_payload(WORKFLOW, "from_proposal", label=_("来自提案"), describe=_from_proposal)
    register_payload(WORKFLOW, "issue", label=_("刊期"), describe=text)
    register_payload(WORKFLOW, "recipients", label=_("报送对象"), describe=text)
    register_payload(WORKFLOW, "units", label=_("承办单位"), describe=text)
    register_payload(WORKFLOW, "unit", label=_("回复单位"), describe=text)
    register_payload(WORKFLOW, "leader", label=_("批示领导"), describe=text)
    register_payload(WORKFLOW, "level", label=_("层级"), describe=_level)
