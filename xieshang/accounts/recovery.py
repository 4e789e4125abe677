"""Signing in without the password and getting a new one (decision 0036): members and residents sign in with a code
sent by SMS to the phone on their account; anyone may reset a forgotten password by e-mail (Django's reset tokens)
or by an SMS code. Staff keep the second factor: they never sign in by SMS, and a reset only replaces the password,
so the authenticator is still asked for at the next sign-in.

No answer tells a requester whether a phone number belongs to an account: a request for a code is counted under the
same limits (per phone, per client address) and answered with the same words whatever the number, and a staff
account's owner learns why no code came from an SMS sent to his own phone, not from the page."""

from __future__ import annotations

import secrets

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from xieshang.audit.models import AuditEntry
from xieshang.audit.services import audit_record
from xieshang.core.privacy import mask_phone

from .models import LoginThrottle, ResidentProfile, RoleGrant, User
from .selectors import is_staff_person
from .services import LoginRefused, SmsCodeError, sms_code_admit, sms_code_issue, sms_code_verify

LOGIN_PURPOSE = "login"
RESET_PURPOSE = "reset"


def staff_refusal_text() -> str:
    return _("工作人员账户不能使用短信验证码登录，请使用用户名、密码和动态验证码登录。")


def has_second_factor(user: User) -> bool:
    """Whom the second factor guards: a staff role (accounts.selectors.is_staff_person), Django's staff or superuser
    flag, or an authenticator already bound to the account."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return bool(
        user.is_staff
        or user.is_superuser
        or is_staff_person(user)
        or TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    )


def may_sign_in_by_sms(user: User) -> bool:
    """Members and residents (and any account no second factor guards)."""
    return user.is_active and user.erased_at is None and not has_second_factor(user)


def may_reset_by_sms(user: User) -> bool:
    """Anyone with a phone, except a staff account with no authenticator bound yet: for him the phone would open
    the account alone (a new password, then the authenticator bound by a code to the same phone), so he resets by
    e-mail or through the security administrator."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if not (user.is_active and user.erased_at is None):
        return False
    if not has_second_factor(user):
        return True
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def account_for_phone(phone: str) -> User | None:
    return User.objects.filter(phone=phone, is_active=True, erased_at__isnull=True).first()


def _organization_id(user: User) -> int | None:
    profile = ResidentProfile.objects.filter(user=user).values_list("organization_id", flat=True).first()
    if profile is not None:
        return profile
    return RoleGrant.objects.filter(user=user).order_by("pk").values_list("organization_id", flat=True).first()


def _within_budget(user: User) -> bool:
    """The organization's daily SMS budget (core.limits "sms_budget"), which codes count against too. Past it no
    code goes out; the first refusal alerts the system administrators (accounts.services.limit_exceeded)."""
    from xieshang.core import limits

    organization_id = _organization_id(user)
    return not (organization_id and limits.hit("sms_budget", organization=organization_id))


def _code_or_notice(
    *, phone: str, purpose: str, address: str, allowed, notice, refused_action: str, issued_action: str = ""
) -> None:
    """The common path of a sign-in or reset code: count the request (per phone, per address; refusals raised as
    SmsCodeError, whatever the number), then send a code to an account that may use one, an explanation to one that
    may not, and nothing to a number no account holds."""
    from xieshang.notifications.services import sms_send

    sms_code_admit(phone=phone, purpose=purpose, address=address)
    user = account_for_phone(phone)
    if user is None:
        make_password(secrets.token_hex(4))  # the time a known number takes to hash its code
        return
    if not _within_budget(user):
        return
    if not allowed(user):
        sms_send(phone=phone, text=notice())
        audit_record(
            actor=None, action=refused_action, obj=user, result=AuditEntry.Result.DENIED, detail={"address": address}
        )
        return
    sms_code_issue(phone=phone, purpose=purpose)
    if issued_action:
        audit_record(actor=None, action=issued_action, obj=user, detail={"channel": "sms", "address": address})


def sms_login_code_send(*, phone: str, address: str) -> None:
    """A sign-in code for a member's or resident's phone. Raises SmsCodeError only for what does not depend on the
    number's owner (too soon, too many, the limit store down)."""
    _code_or_notice(
        phone=phone,
        purpose=LOGIN_PURPOSE,
        address=address,
        allowed=may_sign_in_by_sms,
        notice=lambda: _(
            "您的账户为工作人员账户，不能使用短信验证码登录，请使用用户名、密码和动态验证码登录。如非本人操作请忽略。"
        ),
        refused_action="login.sms_refused_staff",
    )


def _failed(action: str, user: User | None, phone: str, address: str) -> None:
    audit_record(
        actor=None,
        action=action,
        result=AuditEntry.Result.FAILURE,
        object_type="accounts.user",
        object_id=str(user.pk) if user is not None else "",
        object_repr=mask_phone(phone),
        detail={"address": address},
    )


def sms_login(*, phone: str, code: str, address: str) -> User:
    """Sign in with the code: it must be the latest unexpired code for this phone, unused, and within five tries
    (accounts.services.sms_code_verify); it is used up by success. Every try counts against the client address's
    "login" limit."""
    from xieshang.core import limits

    flood = limits.hit("login", address=address)
    if flood:
        raise LoginRefused(limits.wait_text(flood))
    user = account_for_phone(phone)
    try:
        sms_code_verify(phone=phone, purpose=LOGIN_PURPOSE, code=code)
    except SmsCodeError as exc:
        _failed("login.sms_failed", user, phone, address)
        raise LoginRefused(str(exc)) from exc
    if user is None or not may_sign_in_by_sms(user):
        # Only when the account changed since the code was sent (a staff role granted, the account closed).
        _failed("login.sms_refused_staff", user, phone, address)
        raise LoginRefused(staff_refusal_text())
    if user.is_locked():
        audit_record(actor=None, action="login.refused_locked", obj=user, result=AuditEntry.Result.DENIED)
        raise LoginRefused(_("该账户已被锁定，请联系安全管理员解锁。"))
    if user.failed_logins:
        User.objects.filter(pk=user.pk).update(failed_logins=0)
        user.failed_logins = 0
    audit_record(actor=user, action="login.sms_succeeded", obj=user, detail={"address": address})
    return user


# ---- password reset ------------------------------------------------------------------------------------------------


def reset_code_send(*, phone: str, address: str) -> None:
    """A reset code for the phone's account (see may_reset_by_sms); the same answer whatever the number."""
    _code_or_notice(
        phone=phone,
        purpose=RESET_PURPOSE,
        address=address,
        allowed=may_reset_by_sms,
        notice=lambda: _(
            "您的工作人员账户尚未绑定动态验证器，不能用短信重设密码。请通过电子邮箱重设，或联系安全管理员。如非本人操作请忽略。"
        ),
        refused_action="password.reset_refused",
        issued_action="password.reset_requested",
    )


def password_reset_by_sms(*, phone: str, code: str, new_password: str, address: str) -> User:
    """Set a new password with a reset code. The password is checked before the code, so a password the rules
    refuse does not use the code up. Raises ValidationError (the password) or SmsCodeError (the code)."""
    from xieshang.core import limits

    flood = limits.hit("login", address=address)
    if flood:
        raise SmsCodeError(limits.wait_text(flood))
    user = account_for_phone(phone)
    validate_password(new_password, user or User(phone=phone))
    try:
        sms_code_verify(phone=phone, purpose=RESET_PURPOSE, code=code)
    except SmsCodeError:
        _failed("password.reset_failed", user, phone, address)
        raise
    if user is None or not may_reset_by_sms(user):
        _failed("password.reset_failed", user, phone, address)
        raise SmsCodeError(_("验证码已失效，请重新获取。"))
    password_reset_complete(user=user, new_password=new_password, channel="sms")
    return user


def password_reset_complete(*, user: User, new_password: str, channel: str) -> None:
    """The new password, from an e-mailed link or an SMS code. The failed sign-ins counted against the account are
    forgotten (they were guesses at the old password); a lock the security administrator set stays, and so does the
    second factor: nobody is signed in here. Changing the password ends the account's other sessions (Django checks
    the password hash on each request) and invalidates every reset link sent before."""
    with transaction.atomic():
        user.set_password(new_password)
        user.must_change_password = False
        user.password_changed_at = timezone.now()
        user.failed_logins = 0
        user.save(update_fields=["password", "must_change_password", "password_changed_at", "failed_logins"])
        LoginThrottle.objects.filter(
            Q(key=f"acct:user:{user.pk}") | Q(key__startswith=f"pair:user:{user.pk}|")
        ).delete()
        audit_record(actor=user, action="password.reset", obj=user, detail={"channel": channel})


def reset_email_requested(*, users, address: str) -> None:
    """Audit rows for a reset link e-mailed (one per account the address reached)."""
    for user in users:
        audit_record(
            actor=None, action="password.reset_requested", obj=user, detail={"channel": "email", "address": address}
        )
