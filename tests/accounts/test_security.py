"""Login, lockout, idle timeout, forced password change, CSRF, second factor, resident registration."""

import re
import time
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD, CommunityFactory, make_user
from xieshang.accounts.middleware import SESSION_LAST_SEEN
from xieshang.accounts.models import LoginThrottle, Role, User
from xieshang.accounts.services import security_policy_update
from xieshang.audit.models import AuditEntry
from xieshang.notifications.models import SmsMessage

LOGIN = "/accounts/login/"


def post_login(client, username, password):
    return client.post(LOGIN, {"username": username, "password": password})


def test_login_by_username_and_by_phone(client, member):
    response = post_login(client, "member", PASSWORD)
    assert response.status_code == 302 and response.url == reverse("core:workbench")
    client.logout()
    response = post_login(client, member.phone, PASSWORD)
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="login.succeeded", object_id=str(member.pk)).count() == 2


def test_five_failures_lock_the_account_for_thirty_minutes(client, member):
    for _ in range(4):
        response = post_login(client, "member", "wrong")
        assert "用户名（或手机号）或密码不正确" in response.content.decode()
    response = post_login(client, "member", "wrong")
    assert "账户已锁定 30 分钟" in response.content.decode()
    # Locked for this client address (the pair), not for the owner elsewhere (tests/accounts/test_login_throttle.py).
    pair = LoginThrottle.objects.get(key=f"pair:user:{member.pk}|127.0.0.1")
    assert timedelta(minutes=29) < pair.blocked_until - timezone.now() <= timedelta(minutes=30)
    # Even the right password is refused while locked, and the attempt is audited.
    response = post_login(client, "member", PASSWORD)
    assert response.status_code == 200 and "已被锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="login.refused_locked").exists()


def test_lock_expires_after_the_lockout_period(client, member):
    for _ in range(5):
        post_login(client, "member", "wrong")
    LoginThrottle.objects.update(blocked_until=timezone.now() - timedelta(seconds=1))
    assert post_login(client, "member", PASSWORD).status_code == 302
    member.refresh_from_db()
    assert member.failed_logins == 0
    assert not LoginThrottle.objects.filter(key__contains=f"user:{member.pk}").exists()


def test_lockout_threshold_is_policy_data(client, member, user_with_role):
    secadmin = user_with_role(Role.SECURITY_ADMIN)
    security_policy_update(actor=secadmin, lockout_threshold=2, lockout_minutes=5)
    post_login(client, "member", "wrong")
    response = post_login(client, "member", "wrong")
    assert "账户已锁定 5 分钟" in response.content.decode()


def test_unknown_user_gets_the_same_message(client, db):
    response = post_login(client, "nobody", "whatever")
    assert "用户名（或手机号）或密码不正确" in response.content.decode()


def test_idle_session_is_logged_out_after_thirty_minutes(client, member):
    client.force_login(member)
    assert client.get("/workbench/").status_code == 200
    session = client.session
    session[SESSION_LAST_SEEN] = time.time() - 31 * 60
    session.save()
    response = client.get("/workbench/")
    assert response.status_code == 302 and response.url.startswith(LOGIN)
    assert client.get("/workbench/").url.startswith(LOGIN)


def test_active_session_stays(client, member):
    client.force_login(member)
    client.get("/workbench/")
    session = client.session
    session[SESSION_LAST_SEEN] = time.time() - 29 * 60
    session.save()
    assert client.get("/workbench/").status_code == 200


def test_initial_password_must_be_changed_before_anything_else(client, organization):
    user = make_user(Role.MEMBER, organization, username="fresh", must_change_password=True)
    post_login(client, "fresh", PASSWORD)
    response = client.get("/workbench/")
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:password_change"))
    # A weak new password is refused beside its field and nothing changes.
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.must_change_password and user.check_password(PASSWORD)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "Quite-Long-2027", "new_password2": "Quite-Long-2027"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password and user.check_password("Quite-Long-2027")
    assert client.get("/workbench/").status_code == 200


def test_expired_password_must_be_changed(client, member):
    member.password_changed_at = timezone.now() - timedelta(days=91)
    member.save()
    client.force_login(member)
    assert client.get("/workbench/").url.startswith(reverse("accounts:password_change"))


def test_login_form_is_csrf_protected(member):
    client = Client(enforce_csrf_checks=True)
    response = client.post(LOGIN, {"username": "member", "password": PASSWORD})
    assert response.status_code == 403
    client.get(LOGIN)
    token = client.cookies["csrftoken"].value
    response = client.post(LOGIN, {"username": "member", "password": PASSWORD, "csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_staff_must_pass_a_second_factor(client, user_with_role):
    staff = user_with_role(Role.PROPOSALS_STAFF, username="staff")
    post_login(client, "staff", PASSWORD)
    response = client.get("/workbench/")
    assert response.url.startswith(reverse("accounts:otp_verify"))
    page = client.get(response.url)
    # First use: the password alone shows no secret; a code sent to the account's phone comes first.
    assert "扫描" not in page.content.decode() and not TOTPDevice.objects.filter(user=staff).exists()
    client.post(reverse("accounts:otp_verify"), {"action": "send"})
    code = re.search(r"\d{6}", SmsMessage.objects.get(phone=staff.phone).text).group()
    response = client.post(reverse("accounts:otp_verify"), {"action": "verify", "code": code})
    assert response.status_code == 302
    page = client.get(reverse("accounts:otp_verify"))
    assert "扫描" in page.content.decode()  # enrol an authenticator
    device = TOTPDevice.objects.get(user=staff)
    assert not device.confirmed
    response = client.post(reverse("accounts:otp_verify"), {"token": "000000"})
    assert "验证码不正确" in response.content.decode()
    # django-otp throttles after a failure (growing delay); a person would wait, the test resets it.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    response = client.post(reverse("accounts:otp_verify"), {"token": f"{totp.token():06d}"})
    assert response.status_code == 302
    assert client.get("/workbench/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_members_need_no_second_factor(client, member):
    post_login(client, "member", PASSWORD)
    assert client.get("/workbench/").status_code == 200


def test_resident_registers_with_sms_code(client, organization):
    community = CommunityFactory(organization=organization)
    response = client.post(reverse("accounts:sms_code"), {"phone": "13912345678"}, HTTP_HX_REQUEST="true")
    assert "验证码已发送" in response.content.decode()
    sms = SmsMessage.objects.get(phone="13912345678")
    code = re.search(r"\d{6}", sms.text).group()
    # A second request inside a minute is refused (rate limit).
    response = client.post(reverse("accounts:sms_code"), {"phone": "13912345678"}, HTTP_HX_REQUEST="true")
    assert "过于频繁" in response.content.decode()
    data = {
        "phone": "13912345678",
        "code": code,
        "name": "王阿姨",
        "organization": organization.pk,
        "community": community.pk,
        "password": "Huanghe-Road-88",
    }
    # Without consent: refused beside the field, what was typed is kept.
    response = client.post(reverse("accounts:register"), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "须阅读并同意" in body and 'value="王阿姨"' in body
    assert not User.objects.filter(phone="13912345678").exists()
    response = client.post(reverse("accounts:register"), {**data, "consent": "on"})
    assert response.status_code == 302
    user = User.objects.get(phone="13912345678")
    assert user.resident_profile.community == community
    assert user.role_grants.get().role == Role.CITIZEN


def test_registration_refuses_a_wrong_code(client, organization):
    client.post(reverse("accounts:sms_code"), {"phone": "13912345679"})
    data = {
        "phone": "13912345679",
        "code": "000000",
        "name": "李",
        "organization": organization.pk,
        "password": "Huanghe-Road-88",
        "consent": "on",
    }
    response = client.post(reverse("accounts:register"), data)
    assert "验证码不正确" in response.content.decode()
    assert not User.objects.filter(phone="13912345679").exists()


@pytest.mark.parametrize("password", ["short1A!", "alllowercaseletters", "12345678901", "Xieshang-2026"[:9]])
def test_password_rules(password, member):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password(password, member)
