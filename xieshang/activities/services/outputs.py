"""What an activity produced: a research report, findings, recommendations, photos, or a link to a proposal or an
opinion report that came out of it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import rules
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from xieshang.audit.services import audit_record
from xieshang.core.uploads import DEFAULT_TYPES, validate_upload

from ..models import Activity, ActivityOutput
from ._base import require, text_error

if TYPE_CHECKING:
    from xieshang.accounts.models import User

Kind = ActivityOutput.Kind
PHOTO_TYPES = ("jpg", "jpeg", "png")
# The records an output may link to, and the permission that says the actor may see the one named.
LINKABLE = {"proposals.proposal": "proposals.view_proposal", "opinions.report": "opinions.view_report"}


def _content_errors(actor: User, activity: Activity, kind: str, text: str, file: Any, linked: Any) -> dict[str, str]:
    """What a link or a written output lacks."""
    errors: dict[str, str] = {}
    if kind == Kind.LINK:
        label = linked._meta.label_lower if linked is not None else None
        if label not in LINKABLE:
            errors["linked"] = _("请选择要关联的提案或社情民意信息。")
        elif linked.organization_id != activity.organization_id or not rules.has_perm(LINKABLE[label], actor, linked):
            errors["linked"] = _("只能关联本组织中您有权查看的提案或社情民意信息。")
    elif kind in (Kind.FINDING, Kind.RECOMMENDATION, Kind.REPORT) and not (text or "").strip() and not file:
        errors["text"] = _("请填写内容或上传附件。")
    return errors


def output_add(
    *,
    actor: User,
    activity: Activity,
    kind: str,
    title: str,
    text: str = "",
    addressed_to: str = "",
    file: Any = None,
    linked: Any = None,
) -> ActivityOutput:
    require(actor, "activities.add_output", activity)
    errors: dict[str, str | list[str]] = {}
    if kind not in Kind.values:
        errors["kind"] = _("请选择成果类型。")
    if message := text_error(title, 120, _("标题")):
        errors["title"] = message
    if kind == Kind.PHOTO and not file:
        errors["file"] = _("请上传照片。")
    if file:
        try:
            validate_upload(file, allowed=PHOTO_TYPES if kind == Kind.PHOTO else DEFAULT_TYPES)
        except ValidationError as exc:
            errors["file"] = exc.messages
    errors.update(_content_errors(actor, activity, kind, text, file, linked))
    if kind == Kind.RECOMMENDATION and not (addressed_to or "").strip():
        errors["addressed_to"] = _("请填写意见建议报送或交办的单位。")
    elif len(addressed_to or "") > 120 and (too_long := text_error(addressed_to, 120, _("建议对象"))):
        errors["addressed_to"] = too_long
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        output = ActivityOutput.objects.create(
            activity=activity,
            kind=kind,
            title=title.strip(),
            text=(text or "").strip(),
            addressed_to=(addressed_to or "").strip(),
            file=file or "",
            linked=linked if kind == Kind.LINK else None,
            added_by=actor,
        )
        audit_record(actor=actor, action="activities.output", obj=activity, detail={"kind": kind})
    return output
