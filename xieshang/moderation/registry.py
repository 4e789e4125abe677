"""One moderation queue across everything residents write: each domain app registers a kind of writing (call
entries, room topics, opinion-map statements, live questions …) with how to list what awaits a moderator, how to
decide one (approve, or reject with a reason the author reads) and where it was written. The queue page, the
workbench section and the menu read this registry; the base names no domain (the pattern of core.figures,
core.personal_data and notifications.follows).

A model with the usual fields (status, reason, moderated_by, moderated_at) registers in a few lines through
`simple_kind`, which supplies the decision itself: the row locked, a stale decision refused, one audit row."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

APPROVE, REJECT = "approve", "reject"


def _text(obj: Any) -> str:
    return str(getattr(obj, "text", "") or "")


def _author(obj: Any) -> Any:
    return getattr(obj, "author", None)


def _flagged(obj: Any) -> list[str]:
    return [w for w in (getattr(obj, "flagged", "") or "").split("、") if w]


def _appeal(obj: Any) -> str:
    return str(getattr(obj, "appeal", "") or "") if getattr(obj, "appealed_at", None) else ""


def _created(obj: Any) -> datetime:
    return obj.created_at


@dataclass(frozen=True)
class Kind:
    """key: stable name ("consultations.entry"); label: what it is, lazily translated ("征集留言");
    pending(user, organization): what awaits this user's decision there (empty when he may not decide), a queryset;
    decide(actor=, obj=, decision=, reason=): approve or reject through the app's own service (its permission, its
    audit row, its notice to the author), ValidationError when refused; where(obj): (the place's name, its URL);
    may_moderate(user, organization): whether the user moderates this kind there (the menu and the workbench).
    own_mode: the kind carries its pre/post mode itself (a call, a conversation); else the organization's Mode row
    or default_mode decides (moderation.selectors.mode_of)."""

    key: str
    label: Any
    model: str
    pending: Callable[[Any, Any], Any]
    decide: Callable[..., Any]
    where: Callable[[Any], tuple[str, str]]
    may_moderate: Callable[[Any, Any], bool]
    text: Callable[[Any], str] = _text
    author: Callable[[Any], Any] = _author
    flagged: Callable[[Any], list[str]] = _flagged
    appeal: Callable[[Any], str] = _appeal
    created: Callable[[Any], datetime] = _created
    # Already shown to the public while it waits (post-moderation): the moderator may still take it down.
    visible: Callable[[Any], bool] = lambda obj: False
    own_mode: bool = True
    default_mode: str = "post"


_registry: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    _registry[kind.key] = kind
    return kind


def registered() -> list[Kind]:
    return list(_registry.values())


def kind(key: str) -> Kind | None:
    return _registry.get(key)


def may_moderate_any(user: Any, organization: Any) -> bool:
    if organization is None or not getattr(user, "is_authenticated", False):
        return False
    return any(k.may_moderate(user, organization) for k in _registry.values())


def target(key: str, pk: int) -> tuple[Kind, Any]:
    """The registered kind and its object, or ValidationError (an unknown kind or a deleted object)."""
    entry = _registry.get(key)
    obj = apps.get_model(entry.model).objects.filter(pk=pk).first() if entry else None
    if entry is None or obj is None:
        raise ValidationError(_("这条内容已不存在，请刷新后再看。"))
    return entry, obj


# ---------------------------------------------------------------------------------------------------- simple kinds
def simple_decide(
    *,
    key: str,
    model: str,
    may_decide: Callable[[Any, Any], bool],
    organization: Callable[[Any], Any],
    pending: str = "pending",
    approved: str = "approved",
    rejected: str = "rejected",
    on_decided: Callable[[Any, Any, str, str], None] | None = None,
) -> Callable[..., Any]:
    """The decision of a model with fields status, reason, moderated_by and moderated_at: refused to whoever may not
    decide (PermissionDenied), refused when someone decided first, one audit row `<key>_approve|reject` (detail:
    from, to, reason); on_decided(actor, obj, decision, reason) runs inside the transaction (a notice to the
    author)."""

    def decide(*, actor: Any, obj: Any, decision: str, reason: str = "") -> Any:
        from django.core.exceptions import PermissionDenied

        from xieshang.audit.services import audit_record

        if not may_decide(actor, obj):
            raise PermissionDenied(_("您不能审核这条内容。"))
        reason = (reason or "").strip()
        if decision not in (APPROVE, REJECT):
            raise ValidationError({"decision": _("请选择处理方式。")})
        if decision == REJECT and not reason:
            raise ValidationError({"reason": _("不予通过时须给出理由，作者会看到这一理由。")})
        Model = apps.get_model(model)
        with transaction.atomic():
            locked = Model.objects.select_for_update().get(pk=obj.pk)
            if locked.status != pending:
                raise ValidationError(_("这条内容已由他人处理，请刷新后再看。"))
            locked.status = approved if decision == APPROVE else rejected
            locked.reason = reason if decision == REJECT else ""
            locked.moderated_by = actor
            locked.moderated_at = timezone.now()
            locked.save(update_fields=["status", "reason", "moderated_by", "moderated_at"])
            audit_record(
                actor=actor,
                action=f"{key}_{decision}",
                obj=locked,
                organization=organization(locked),
                detail={"from": pending, "to": locked.status, "reason": reason},
            )
            if on_decided is not None:
                on_decided(actor, locked, decision, reason)
        return locked

    return decide
