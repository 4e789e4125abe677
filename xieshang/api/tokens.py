"""Personal access tokens: create, revoke, list, and check one presented with a request (decision 0035).

The secret is `xst_` and 43 URL-safe characters (256 random bits); only its SHA-256 hash is stored (a slow hash adds
nothing to a secret that long and would cost every request), and the first characters are kept as its prefix so the
owner can tell his tokens apart. The secret is shown once, when the token is created.

Every creation and revocation is audited; so is every refused use (an unknown, expired or revoked token, an
inactive or no longer eligible owner, a missing scope, a rate limit), under the audit trail's per-client quota so a
scan cannot flood it."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.accounts.selectors import may_hold_api_tokens, reload_grants, user_organizations
from xieshang.audit.context import current_ip, refusal_recorded
from xieshang.audit.middleware import refusal_quota
from xieshang.audit.models import AuditEntry
from xieshang.audit.services import audit_record
from xieshang.core import limits

from . import scopes as scope_table
from .models import AccessToken

SECRET_PREFIX = "xst_"
PREFIX_LENGTH = len(SECRET_PREFIX) + 8
# last_used_at is written at most once a minute per token, not on every request.
LAST_USED_EVERY = timedelta(seconds=60)


def max_days() -> int:
    return int(getattr(settings, "XIESHANG_API_TOKEN_MAX_DAYS", 365))


def max_active() -> int:
    return int(getattr(settings, "XIESHANG_API_TOKENS_PER_USER", 20))


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def tokens_for_user(user) -> list[AccessToken]:
    """The user's tokens, newest first: the active ones and those revoked or expired in the last 90 days."""
    since = timezone.now() - timedelta(days=90)
    rows = AccessToken.objects.filter(user=user).select_related("organization").order_by("-created_at")
    return [t for t in rows if t.is_active() or min(t.revoked_at or t.expires_at, t.expires_at) >= since]


def token_create(*, actor, organization, name: str, scopes: list[str], days: int) -> tuple[AccessToken, str]:
    """A new token of `actor` for `organization`; returns the row and the secret (shown once, never stored)."""
    if not may_hold_api_tokens(actor):
        raise PermissionDenied(_("只有委员和工作人员可以创建接口访问令牌。"))
    if organization is None or organization.pk not in {o.pk for o in user_organizations(actor)}:
        raise PermissionDenied(_("请先选择您所在的组织。"))
    name = (name or "").strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("请填写用途，例如“委员履职助手”。")]
    wanted = sorted(set(scopes or []))
    if not wanted:
        errors["scopes"] = [_("请至少选择一项权限范围。")]
    elif not all(scope_table.valid(s) for s in wanted):
        errors["scopes"] = [_("权限范围无效。")]
    if not 1 <= int(days) <= max_days():
        errors["days"] = [_("有效期须在 1 到 %(n)d 天之间。") % {"n": max_days()}]
    if errors:
        raise ValidationError(errors)
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        active = AccessToken.objects.select_for_update().filter(user=actor, revoked_at=None, expires_at__gt=now)
        if len(list(active)) >= max_active():
            raise ValidationError(
                {"name": [_("您最多可以同时持有 %(n)d 个有效令牌，请先撤销不用的令牌。") % {"n": max_active()}]}
            )
        token = AccessToken.objects.create(
            user=actor,
            organization=organization,
            name=name[:60],
            prefix=secret[:PREFIX_LENGTH],
            key_hash=hash_secret(secret),
            scopes=wanted,
            created_at=now,
            expires_at=now + timedelta(days=int(days)),
        )
        audit_record(
            actor=actor,
            action="api_token.created",
            obj=token,
            organization=organization,
            detail={"prefix": token.prefix, "scopes": wanted, "expires_at": token.expires_at.isoformat()},
        )
    return token, secret


def token_revoke(*, actor, token_id: int) -> AccessToken:
    """Revoke one of the actor's own tokens (a second revocation changes nothing)."""
    with transaction.atomic():
        token = AccessToken.objects.select_for_update().filter(pk=token_id, user=actor).first()
        if token is None:
            raise PermissionDenied(_("没有这个令牌。"))
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit_record(
                actor=actor,
                action="api_token.revoked",
                obj=token,
                organization=token.organization_id,
                detail={"prefix": token.prefix},
            )
    return token


@dataclass
class TokenRefused(Exception):
    """A presented token that does not open the request: the HTTP status, a code and a message for the caller."""

    status: int
    code: str
    message: str
    retry_after: int | None = None


def _refuse(status: int, code: str, message: str, *, token: AccessToken | None = None, presented: str = "", **extra):
    user = token.user if token is not None else None
    verdict = refusal_quota(current_ip.get(), getattr(user, "pk", None))
    if verdict != "skip":
        detail = {"reason": code, "prefix": token.prefix if token else presented[:PREFIX_LENGTH], **extra}
        if verdict == "summary":
            detail["note"] = "further refusals from this client are not recorded in this window"
        audit_record(
            actor=user if user is not None and user.is_active else None,
            action="api_token.refused",
            result=AuditEntry.Result.DENIED,
            obj=token,
            organization=token.organization_id if token else None,
            object_type="api.accesstoken",
            detail=detail,
        )
    refusal_recorded.set(True)  # one row per refusal: the middleware adds none of its own
    return TokenRefused(status, code, message, retry_after=extra.get("retry_after"))


def authenticate(secret: str, *, path: str, method: str, ip: str | None = None) -> AccessToken:
    """The token the secret names, if it may make this request; else raises TokenRefused (and the refusal is
    audited). The request's scope is its area and method (scopes.needed); every accepted use is counted against the
    token's rate limit (core.limits, action "api_token")."""
    secret = (secret or "").strip()
    if not secret.startswith(SECRET_PREFIX) or len(secret) > 200:
        raise _refuse(401, "invalid_token", _("访问令牌无效。"), presented=secret)
    token = AccessToken.objects.select_related("user", "organization").filter(key_hash=hash_secret(secret)).first()
    if token is None:
        raise _refuse(401, "invalid_token", _("访问令牌无效。"), presented=secret)
    now = timezone.now()
    if token.revoked_at is not None:
        raise _refuse(401, "token_revoked", _("访问令牌已撤销。"), token=token)
    if token.expires_at <= now:
        raise _refuse(401, "token_expired", _("访问令牌已过期，请创建新的令牌。"), token=token)
    user = token.user
    reload_grants(user)  # machine access is checked against the grants table itself, never a kept copy
    if not user.is_active or not may_hold_api_tokens(user):
        raise _refuse(401, "account_inactive", _("令牌所属账户已停用或不再允许使用接口令牌。"), token=token)
    if token.organization_id not in {o.pk for o in user_organizations(user)}:
        raise _refuse(401, "organization_left", _("令牌所属账户已不在该组织。"), token=token)
    wanted = scope_table.needed(path, method)
    if wanted is None or not scope_table.grants(token.scopes, wanted):
        raise _refuse(
            403,
            "insufficient_scope",
            _("此令牌没有该操作的权限范围（需要 %(s)s）。") % {"s": wanted or "-"},
            token=token,
            needed=wanted or "",
        )
    refusal = limits.hit("api_token", token=token.pk)
    if refusal:
        raise _refuse(429, "rate_limited", limits.wait_text(refusal), token=token, retry_after=refusal.retry_after)
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now, last_used_ip=ip)
        token.last_used_at, token.last_used_ip = now, ip
    return token
