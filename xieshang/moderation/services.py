"""Writes of the moderation base: a decision from the queue (through the kind's own service), the blocklist and the
modes an office keeps. Each write leaves one audit row."""

from __future__ import annotations

from typing import Any

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.audit.services import audit_record

from . import registry
from .models import BlockedWord, Mode, Reason

REASON_MAX_CHARS = 300


def compose_reason(reason: Reason | None, text: str) -> str:
    """What the author reads: the chosen reason, then the moderator's own words."""
    parts = [reason.label() if reason is not None else "", (text or "").strip()]
    return "：".join(p for p in parts if p)


def decide(*, actor: Any, key: str, pk: int, decision: str, reason: Reason | None = None, text: str = "") -> Any:
    """A decision taken in the queue: approve, or reject with a reason (a reason from the list, words of one's own,
    or both). The kind's service checks the permission, refuses a stale decision and writes the audit row."""
    kind, obj = registry.target(key, pk)
    if decision not in (registry.APPROVE, registry.REJECT):
        raise ValidationError({"decision": _("请选择处理方式。")})
    composed = compose_reason(reason, text) if decision == registry.REJECT else ""
    if decision == registry.REJECT and not composed:
        raise ValidationError({"text": _("不予通过时须选择或填写理由，作者会看到这一理由。")})
    if len(composed) > REASON_MAX_CHARS:
        raise ValidationError({"text": _("理由最多 %(n)d 字。") % {"n": REASON_MAX_CHARS}})
    try:
        return kind.decide(actor=actor, obj=obj, decision=decision, reason=composed)
    except ValidationError as exc:
        # The kind's own field names (reason, decision …) are not the queue form's: one message for the item.
        raise ValidationError(exc.messages) from None


def _require_moderator(actor: Any, organization: Any) -> None:
    if not rules.has_perm("moderation.edit_blocklist", actor, organization):
        raise PermissionDenied(_("您没有权限进行此操作。"))


def blocklist_save(*, actor: Any, organization: Any, words: Any) -> list[str]:
    """The organization's blocklist replaced by `words` (one per line or an iterable); the shared words an
    administrator keeps in the admin (no organization) stay."""
    _require_moderator(actor, organization)
    if isinstance(words, str):
        words = words.splitlines()
    cleaned = sorted({w.strip() for w in words if w and w.strip()})
    too_long = [w for w in cleaned if len(w) > 40]
    if too_long:
        raise ValidationError({"words": _("每个词最多 40 字：%(w)s") % {"w": "、".join(too_long)}})
    with transaction.atomic():
        current = set(BlockedWord.objects.filter(organization=organization).values_list("word", flat=True))
        BlockedWord.objects.filter(organization=organization).exclude(word__in=cleaned).delete()
        BlockedWord.objects.bulk_create(
            [BlockedWord(organization=organization, word=w) for w in cleaned if w not in current]
        )
        audit_record(
            actor=actor,
            action="moderation.blocklist_save",
            organization=organization,
            object_type="moderation.blockedword",
            detail={"added": sorted(set(cleaned) - current), "removed": sorted(current - set(cleaned))},
        )
    return cleaned


def mode_save(*, actor: Any, organization: Any, key: str, mode: str) -> Mode:
    """Pre- or post-moderation of a kind without a mode of its own, for the organization."""
    _require_moderator(actor, organization)
    kind = registry.kind(key)
    if kind is None or kind.own_mode:
        raise ValidationError({"kind": _("这类内容的审核方式在各自页面设置。")})
    if mode not in Mode.Value.values:
        raise ValidationError({"mode": _("请选择审核方式。")})
    with transaction.atomic():
        row, _created = Mode.objects.update_or_create(
            organization=organization,
            kind=key,
            defaults={"mode": mode, "updated_by": actor, "updated_at": timezone.now()},
        )
        audit_record(
            actor=actor,
            action="moderation.mode_save",
            obj=row,
            organization=organization,
            detail={"kind": key, "mode": mode},
        )
    return row
