"""The consultations services' own helpers, on core.services (require, lock, refresh, text_error)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy

from xieshang.accounts.models import Role
from xieshang.workflow.selectors import workflow_for

from ..workflows import CONSULTATION_WORKFLOW

MEMBER_ROLES = (Role.MEMBER, Role.STANDING_MEMBER)
# The refusal shown when someone may not act on a consultation, room or outcome (core.services.require's message).
NOT_PERMITTED = gettext_lazy("您没有办理此项的权限。")


def settings_for(consultation: Any) -> dict[str, Any]:
    """The consultation workflow's settings (notice and materials lead times, check-in hours …): the defaults, with
    what the organization's copy of the workflow overrides."""
    merged = dict(CONSULTATION_WORKFLOW["settings"])
    wf = consultation.workflow or workflow_for(consultation.organization_id, CONSULTATION_WORKFLOW["key"])
    if wf is not None:
        merged.update(wf.settings or {})
    return merged
