"""Writes about accounts: login with lockout, passwords, resident registration by SMS code, roles."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.contrib.auth import authenticate
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.audit.models import AuditEntry
from xieshang.audit.services import audit_record

from .models import (
    Community,
    LoginThrottle,
    Organization,
    ResidentProfile,
    Role,
    RoleGrant,
    SecurityPolicy,
    SmsCode,
    User,
)
from .policy import Policy, current_policy, forget_policy
from .selectors import find_user_by_login

PRIVACY_NOTICE_VERSION = "2026-1"


class LoginRefused(Exception):
    """Login refused with a message the user may read (never says whether the account exists)."""


# Failures from one client address, over all names, before that address must wait (a multiple of the threshold).
ADDRESS_FACTOR = 4
# Beyond the threshold an account (from any address) is slowed, not locked: 2, 4, 8 … seconds between tries, capped.
ACCOUNT_DELAY_CAP_SECONDS = 60


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, or the header a trusted proxy sets (settings.XIESHANG_CLIENT_ADDRESS_HEADER,
    e.g. "HTTP_X_REAL_IP")."""
    from django.conf import settings

    header = getattr(settings, "XIESHANG_CLIENT_ADDRESS_HEADER", "")
    value = (request.META.get(header) if header else "") or request.META.get("REMOTE_ADDR") or "unknown"
    return value.split(",")[0].strip()[:64]


def _throttle_keys(user: User | None, identifier: str, address: str) -> dict[str, str]:
    # An unknown name is counted exactly as an account is, so the answers never tell the two apart.
    name = f"user:{user.pk}" if user is not None else f"name:{(identifier or '').strip().lower()[:150]}"
    return {"account": f"acct:{name}", "address": f"addr:{address}", "pair": f"pair:{name}|{address}"}


def _wait_text(until, now) -> str:
    seconds = max(1, int((until - now).total_seconds()) + 1)
    if seconds < 120:
        return _("登录尝试过于频繁，请 %(s)d 秒后再试。") % {"s": seconds}
    return _("该账户因多次登录失败已被锁定，请 %(m)d 分钟后再试，或联系安全管理员解锁。") % {"m": seconds // 60 + 1}


def _reserve(keys: dict[str, str], *, now, policy) -> tuple[dict[str, int], str | None]:
    """Count this attempt under every key before the password is checked, under row locks (in a fixed key order), so
    that parallel attempts see each other. Returns the counts, or a refusal when a key is blocked or over its limit."""
    window_start = now - timedelta(minutes=policy.lockout_minutes)
    threshold = policy.lockout_threshold
    limits = {"pair": threshold, "address": threshold * ADDRESS_FACTOR}
    counts: dict[str, int] = {}
    wait_until = None  # the longest wait any key asks for
    with transaction.atomic():
        for kind, key in sorted(keys.items(), key=lambda item: item[1]):
            row, _created = LoginThrottle.objects.select_for_update().get_or_create(key=key)
            if row.blocked_until and row.blocked_until > now:
                wait_until = max(wait_until or row.blocked_until, row.blocked_until)
                continue
            if row.first_failure_at is None or row.first_failure_at < window_start:
                row.failures, row.first_failure_at, row.blocked_until = 0, now, None
            row.failures += 1
            counts[kind] = row.failures
            if kind in limits and row.failures > limits[kind]:
                # Parallel attempts past the limit are refused unchecked; the last checked one sets the block.
                until = now + timedelta(minutes=policy.lockout_minutes)
                wait_until = max(wait_until or until, until)
            if kind == "account" and row.failures >= threshold:
                # Slow a targeted account from every address, without locking its owner out.
                delay = min(ACCOUNT_DELAY_CAP_SECONDS, 2 ** (row.failures - threshold + 1))
                row.blocked_until = now + timedelta(seconds=delay)
            row.save()
    refusal = _wait_text(wait_until, now) if wait_until is not None else None
    return counts, refusal


def limit_exceeded(refusal, values) -> None:
    """core.limits alert: the first refusal of a window goes into the audit trail; an organization's exhausted SMS
    budget is also logged as an error and put in its system administrators' inboxes."""
    import logging

    from xieshang.notifications.services import notify

    organization = values.get("organization")
    audit_record(
        actor=None,
        action="limits.exceeded",
        result=AuditEntry.Result.DENIED,
        organization=organization if refusal.dimension == "organization" else None,
        object_type=refusal.action,
        detail={"dimension": refusal.dimension, "limit": refusal.limit, "seconds": refusal.seconds},
    )
    if refusal.action == "sms_budget" and organization:
        logging.getLogger("xieshang.limits").error(
            "organization %s has used its daily SMS budget (%d); further notices stay in-app",
            organization,
            refusal.limit,
        )
        admins = User.objects.filter(
            role_grants__organization_id=organization, role_grants__role=Role.SYSTEM_ADMIN, is_active=True
        ).distinct()
        notify(
            recipients=list(admins),
            kind="limits.sms_budget",
            title=lambda: _("今日短信额度（%(n)d 条）已用完，其余通知仅在站内送达。") % {"n": refusal.limit},
            organization=organization,
        )


def login_attempt(*, request, identifier: str, password: str) -> User:
    """Check a username/phone and password. Failures are counted per account, per client address and per (account,
    address) pair: the pair is locked after the policy's threshold (an attacker elsewhere cannot lock the owner out),
    the address after four times as many failures over all names, and the account, from anywhere, is slowed by a
    growing delay. Unknown names are counted and answered exactly as accounts are."""
    from xieshang.core import limits

    policy = current_policy()
    now = timezone.now()
    address = client_address(request)
    flood = limits.hit("login", address=address)
    if flood:
        raise LoginRefused(limits.wait_text(flood))
    user = find_user_by_login(identifier)
    keys = _throttle_keys(user, identifier, address)
    counts, refusal = _reserve(keys, now=now, policy=policy)
    if refusal is not None:
        audit_record(
            actor=None,
            action="login.refused_locked",
            result=AuditEntry.Result.DENIED,
            object_type="accounts.user",
            object_id=str(user.pk) if user is not None else "",
            object_repr=(identifier or "")[:60],
            detail={"address": address},
        )
        raise LoginRefused(refusal)
    authenticated = authenticate(request, username=identifier, password=password)
    if authenticated is None:
        if user is not None:
            User.objects.filter(pk=user.pk).update(failed_logins=F("failed_logins") + 1)
        lock_pair = counts.get("pair", 0) >= policy.lockout_threshold
        lock_address = counts.get("address", 0) >= policy.lockout_threshold * ADDRESS_FACTOR
        if lock_pair or lock_address:
            until = now + timedelta(minutes=policy.lockout_minutes)
            blocked = [keys["pair"]] if lock_pair else []
            blocked += [keys["address"]] if lock_address else []
            LoginThrottle.objects.filter(key__in=blocked).update(blocked_until=until, failures=0)
        audit_record(
            actor=None,
            action="login.locked" if lock_pair or lock_address else "login.failed",
            result=AuditEntry.Result.FAILURE,
            object_type="accounts.user",
            object_id=str(user.pk) if user is not None else "",
            object_repr=(identifier or "")[:60],
            detail={"address": address},
        )
        if lock_pair:
            raise LoginRefused(
                _("密码连续错误 %(n)d 次，账户已锁定 %(m)d 分钟。")
                % {"n": policy.lockout_threshold, "m": policy.lockout_minutes}
            )
        if lock_address:
            raise LoginRefused(_("登录失败次数过多，请 %(m)d 分钟后再试。") % {"m": policy.lockout_minutes})
        raise LoginRefused(_("用户名（或手机号）或密码不正确。"))
    if authenticated.is_locked(now):
        # Locked by the security administrator: said only to someone who knows the password.
        audit_record(actor=None, action="login.refused_locked", obj=authenticated, result=AuditEntry.Result.DENIED)
        raise LoginRefused(_("该账户已被锁定，请联系安全管理员解锁。"))
    LoginThrottle.objects.filter(key__in=[keys["account"], keys["pair"]]).delete()
    if authenticated.failed_logins:
        User.objects.filter(pk=authenticated.pk).update(failed_logins=0)
        authenticated.failed_logins = 0
    audit_record(actor=authenticated, action="login.succeeded", obj=authenticated)
    return authenticated


def password_expired(user: User, policy: Policy | None = None) -> bool:
    max_age = (policy or current_policy()).password_max_age_days
    if not max_age or user.password_changed_at is None:
        return False
    return user.password_changed_at < timezone.now() - timedelta(days=max_age)


def password_change(*, actor: User, user: User, new_password: str) -> None:
    if actor.pk != user.pk:
        raise PermissionDenied
    validate_password(new_password, user)
    if user.check_password(new_password):
        raise ValidationError(_("新密码不能与当前密码相同。"), code="password_reused")
    with transaction.atomic():
        user.set_password(new_password)
        user.must_change_password = False
        user.password_changed_at = timezone.now()
        user.save(update_fields=["password", "must_change_password", "password_changed_at"])
        audit_record(actor=actor, action="password.changed", obj=user)


def user_unlock(*, actor: User, user: User) -> None:
    if not actor.has_perm("accounts.unlock_user"):
        raise PermissionDenied
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None)
        LoginThrottle.objects.filter(
            Q(key=f"acct:user:{user.pk}") | Q(key__startswith=f"pair:user:{user.pk}|")
        ).delete()
        audit_record(actor=actor, action="account.unlocked", obj=user)


def security_policy_update(*, actor: User, **values) -> SecurityPolicy:
    if not actor.has_perm("accounts.change_securitypolicy"):
        raise PermissionDenied
    with transaction.atomic():
        row = SecurityPolicy.objects.select_for_update().order_by("pk").first() or SecurityPolicy()
        for key, value in values.items():
            setattr(row, key, value)
        row.full_clean()
        row.save()
        audit_record(
            actor=actor, action="security_policy.changed", obj=row, detail={k: str(v) for k, v in values.items()}
        )
    forget_policy()
    return row


# ---- SMS codes ---------------------------------------------------------------------------------------------------


class SmsCodeError(Exception):
    pass


def sms_code_send(*, phone: str, purpose: str, address: str = "", account: int | None = None) -> None:
    """Send a 6-digit code; at most one per phone and purpose per resend interval (rate-limited in the cache), and
    within the "sms_code" abuse limits per phone, client address and account (core.limits)."""
    sms_code_admit(phone=phone, purpose=purpose, address=address, account=account)
    sms_code_issue(phone=phone, purpose=purpose)


def sms_code_admit(*, phone: str, purpose: str, address: str = "", account: int | None = None) -> None:
    """Count a request for a code under the resend interval and the "sms_code" limits, whether or not a code will
    be sent (the sign-in and reset requests count an unknown number exactly as a known one). Fails closed: with the
    limit store unreachable no code is sent."""
    from django.conf import settings

    from xieshang.core import limits

    throttle_key = f"xieshang:sms-throttle:{purpose}:{phone}"
    added = cache.add(throttle_key, 1, settings.SMS_CODE_RESEND_SECONDS)
    if added is None:  # Redis unreachable (core.health): the limit cannot be kept, so no code is sent
        raise SmsCodeError(_("短信验证码暂时无法发送，请几分钟后再试。"))
    if not added:
        raise SmsCodeError(_("验证码发送过于频繁，请稍后再试。"))
    refusal = limits.hit("sms_code", phone=phone, address=address, account=account)
    if refusal:
        raise SmsCodeError(limits.wait_text(refusal))


def sms_code_issue(*, phone: str, purpose: str) -> None:
    """Make a code for the phone and purpose, keep its hash, and send it: all or nothing."""
    from django.conf import settings

    from xieshang.notifications.services import sms_send

    code = f"{secrets.randbelow(10**6):06d}"
    now = timezone.now()
    with transaction.atomic():  # the code, its message and the message's task: all or nothing
        SmsCode.objects.create(
            phone=phone,
            purpose=purpose,
            code_hash=make_password(code),
            expires_at=now + timedelta(seconds=settings.SMS_CODE_TTL_SECONDS),
        )
        sms_send(
            phone=phone,
            text=_("您的验证码为 %(code)s，%(min)d 分钟内有效。如非本人操作请忽略。")
            % {"code": code, "min": settings.SMS_CODE_TTL_SECONDS // 60},
        )


def sms_code_verify(*, phone: str, purpose: str, code: str) -> None:
    now = timezone.now()
    with transaction.atomic():
        row = (
            SmsCode.objects.select_for_update()
            .filter(phone=phone, purpose=purpose, used_at__isnull=True, expires_at__gt=now)
            .order_by("-created_at")
            .first()
        )
        if row is None or row.attempts >= 5:
            raise SmsCodeError(_("验证码已失效，请重新获取。"))
        row.attempts += 1
        ok = check_password((code or "").strip(), row.code_hash)
        if ok:
            row.used_at = now
        row.save(update_fields=["attempts", "used_at"])
    if not ok:
        raise SmsCodeError(_("验证码不正确。"))


def resident_register(
    *,
    phone: str,
    code: str,
    name: str,
    password: str,
    organization: Organization,
    community: Community | None,
    consent: bool,
) -> User:
    """A resident (群众) registers with a phone number and an SMS code; only name, phone and community are kept."""
    if not consent:
        raise ValidationError({"consent": _("须阅读并同意个人信息保护告知后才能注册。")})
    if User.objects.filter(phone=phone).exists():
        raise ValidationError({"phone": _("该手机号码已注册，请直接登录。")})
    candidate = User(username=f"u{phone}", phone=phone, name=name)
    validate_password(password, candidate)
    try:
        sms_code_verify(phone=phone, purpose="register", code=code)
    except SmsCodeError as exc:
        raise ValidationError({"code": str(exc)}) from exc
    with transaction.atomic():
        candidate.set_password(password)
        candidate.password_changed_at = timezone.now()
        candidate.save()
        ResidentProfile.objects.create(
            user=candidate,
            organization=organization,
            community=community,
            consent_version=PRIVACY_NOTICE_VERSION,
            consent_at=timezone.now(),
        )
        RoleGrant.objects.create(user=candidate, organization=organization, role=Role.CITIZEN)
        audit_record(
            actor=candidate,
            action="resident.registered",
            obj=candidate,
            organization=organization,
            detail={"consent_version": PRIVACY_NOTICE_VERSION},
        )
    return candidate
