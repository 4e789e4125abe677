"""Sign-in by SMS code and password reset by e-mail or SMS (decision 0036): limits, expiry, single use, attempts, no
account enumeration, staff kept behind the second factor."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD, make_user
from xieshang.accounts import recovery
from xieshang.accounts.models import LoginThrottle, Role, SmsCode, User
from xieshang.accounts.services import LoginRefused, SmsCodeError
from xieshang.audit.models import AuditEntry
from xieshang.notifications.models import SmsMessage

SMS_LOGIN = "/accounts/login/sms/"
SMS_RESET = "/accounts/password/reset/sms/"
EMAIL_RESET = "/accounts/password/reset/"
NEW_PASSWORD = "Huanghe-Road-2027"


def latest_code(phone):
    return re.search(r"\d{6}", SmsMessage.objects.filter(phone=phone).order_by("-pk").first().text).group()


def send(client, phone, url=SMS_LOGIN):
    return client.post(url, {"phone": phone, "action": "send"})


@pytest.fixture
def resident(organization):
    return make_user(Role.CITIZEN, organization, username="resident", phone="13900000077")


# ---- sign-in by SMS ------------------------------------------------------------------------------------------------


def test_a_member_signs_in_with_the_code_sent_to_his_phone(client, member):
    response = send(client, member.phone)
    assert "验证码已发送" in response.content.decode()
    code = latest_code(member.phone)
    response = client.post(SMS_LOGIN, {"phone": member.phone, "code": code, "action": "login"})
    assert response.status_code == 302 and response.url == reverse("core:workbench")
    assert client.get("/workbench/").status_code == 200  # no second factor asked of a member
    assert AuditEntry.objects.filter(action="login.sms_succeeded", actor=member).count() == 1


def test_a_resident_signs_in_by_sms_too(client, resident):
    send(client, resident.phone)
    response = client.post(SMS_LOGIN, {"phone": resident.phone, "code": latest_code(resident.phone), "action": "login"})
    assert response.status_code == 302


def test_a_code_is_single_use(client, member):
    send(client, member.phone)
    code = latest_code(member.phone)
    assert client.post(SMS_LOGIN, {"phone": member.phone, "code": code, "action": "login"}).status_code == 302
    client.logout()
    response = client.post(SMS_LOGIN, {"phone": member.phone, "code": code, "action": "login"})
    assert response.status_code == 200 and "验证码已失效" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_code_expires(client, member):
    send(client, member.phone)
    code = latest_code(member.phone)
    SmsCode.objects.filter(phone=member.phone).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(LoginRefused, match="验证码已失效"):
        recovery.sms_login(phone=member.phone, code=code, address="10.0.0.1")


def test_five_wrong_tries_spend_the_code(member):
    recovery.sms_login_code_send(phone=member.phone, address="10.0.0.1")
    code = latest_code(member.phone)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(5):
        with pytest.raises(LoginRefused, match="验证码不正确"):
            recovery.sms_login(phone=member.phone, code=wrong, address="10.0.0.1")
    with pytest.raises(LoginRefused, match="验证码已失效"):
        recovery.sms_login(phone=member.phone, code=code, address="10.0.0.1")
    assert AuditEntry.objects.filter(action="login.sms_failed", object_id=str(member.pk)).count() == 6


def test_the_answer_is_the_same_for_a_member_a_staff_account_and_a_number_nobody_holds(client, member, user_with_role):
    staff = user_with_role(Role.PROPOSALS_STAFF, username="staff", phone="13800000002")
    answers = {}
    for phone in (member.phone, staff.phone, "13800009999"):
        response = send(client, phone)
        assert response.status_code == 200
        # The page but for the number typed and the CSRF tokens.
        answers[phone] = re.sub(r"[A-Za-z0-9]{32,}|\d{11}", "", response.content.decode())
    assert answers[member.phone] == answers[staff.phone] == answers["13800009999"]
    # Only the member got a code; the staff member got an explanation on his own phone; the unknown number nothing.
    assert SmsCode.objects.filter(phone=member.phone).count() == 1
    assert not SmsCode.objects.filter(phone=staff.phone).exists()
    assert "工作人员账户" in SmsMessage.objects.get(phone=staff.phone).text
    assert not SmsMessage.objects.filter(phone="13800009999").exists()
    assert AuditEntry.objects.filter(action="login.sms_refused_staff", object_id=str(staff.pk)).count() == 1


def test_a_staff_account_cannot_sign_in_by_sms_whatever_code_it_tries(client, user_with_role):
    staff = user_with_role(Role.SECURITY_ADMIN, username="sec", phone="13800000003")
    send(client, staff.phone)
    response = client.post(SMS_LOGIN, {"phone": staff.phone, "code": "123456", "action": "login"})
    assert response.status_code == 200 and "_auth_user_id" not in client.session


@pytest.mark.parametrize("guard", ["is_staff", "device"])
def test_anyone_with_a_second_factor_counts_as_staff(member, guard):
    if guard == "is_staff":
        User.objects.filter(pk=member.pk).update(is_staff=True)
    else:
        TOTPDevice.objects.create(user=member, name="a", confirmed=True)
    member.refresh_from_db()
    assert not recovery.may_sign_in_by_sms(member)


def test_a_member_made_staff_after_the_code_was_sent_is_refused(member, organization):
    recovery.sms_login_code_send(phone=member.phone, address="10.0.0.1")
    code = latest_code(member.phone)
    from xieshang.accounts.models import RoleGrant
    from xieshang.accounts.selectors import forget_roles

    RoleGrant.objects.create(user=member, organization=organization, role=Role.COMMITTEE_STAFF)
    forget_roles(member)
    with pytest.raises(LoginRefused, match="工作人员账户"):
        recovery.sms_login(phone=member.phone, code=code, address="10.0.0.1")


def test_a_second_code_within_a_minute_is_refused_for_any_number(client, member):
    for phone in (member.phone, "13800009998"):
        send(client, phone)
        response = send(client, phone)
        assert "过于频繁" in response.content.decode()
    assert SmsCode.objects.filter(phone=member.phone).count() == 1


def test_one_client_gets_codes_for_five_numbers_an_hour(client, db):
    for n in range(6):  # six different numbers: only the per-address limit speaks
        response = send(client, f"1380000{n:04d}")
    assert "操作过于频繁" in response.content.decode()


def test_the_organizations_daily_budget_stops_codes_silently(member, organization, settings):
    settings.XIESHANG_ABUSE_LIMITS = {"sms_budget": {"organization": [(0 + 1, 86400)]}}
    from xieshang.core import limits

    limits.hit("sms_budget", organization=organization.pk)  # the day's one SMS is spent
    recovery.sms_login_code_send(phone=member.phone, address="10.0.0.1")
    assert not SmsCode.objects.filter(phone=member.phone).exists()
    assert AuditEntry.objects.filter(action="limits.exceeded", object_type="sms_budget").count() == 1


def test_no_code_when_the_limit_store_is_down(member, monkeypatch):
    from django.core.cache import cache

    monkeypatch.setattr(cache, "add", lambda *a, **k: None)  # django-redis with IGNORE_EXCEPTIONS, Redis down
    with pytest.raises(SmsCodeError, match="暂时无法发送"):
        recovery.sms_login_code_send(phone=member.phone, address="10.0.0.1")
    assert not SmsCode.objects.exists() and not SmsMessage.objects.exists()


def test_a_locked_account_is_not_opened_by_sms(member):
    User.objects.filter(pk=member.pk).update(locked_until=timezone.now() + timedelta(hours=1))
    recovery.sms_login_code_send(phone=member.phone, address="10.0.0.1")
    with pytest.raises(LoginRefused, match="已被锁定"):
        recovery.sms_login(phone=member.phone, code=latest_code(member.phone), address="10.0.0.1")


def test_the_sms_login_page_is_linked_from_the_login_page_in_english(client, db):
    client.cookies["xieshang_language"] = "en"
    body = client.get("/accounts/login/").content.decode()
    assert SMS_LOGIN in body and EMAIL_RESET in body


# ---- password reset by SMS -----------------------------------------------------------------------------------------


def test_a_member_resets_his_password_by_sms_and_signs_in_with_it(client, member):
    send(client, member.phone, SMS_RESET)
    code = latest_code(member.phone)
    data = {"phone": member.phone, "code": code, "new_password1": "short", "new_password2": "short"}
    # A password the rules refuse: kept out, the code not used up.
    response = client.post(SMS_RESET, {**data, "action": "reset"})
    assert response.status_code == 200 and SmsCode.objects.get(phone=member.phone).used_at is None
    data.update(new_password1=NEW_PASSWORD, new_password2=NEW_PASSWORD)
    response = client.post(SMS_RESET, {**data, "action": "reset"})
    assert response.status_code == 302 and response.url == reverse("accounts:login")
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)
    assert AuditEntry.objects.get(action="password.reset").detail == {"channel": "sms"}
    # Single use: the same code again does nothing.
    again = {**data, "new_password1": "Another-Pass-2027", "new_password2": "Another-Pass-2027", "action": "reset"}
    assert "验证码已失效" in client.post(SMS_RESET, again).content.decode()
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)


def test_a_reset_clears_the_failures_counted_against_the_old_password(member):
    LoginThrottle.objects.create(key=f"acct:user:{member.pk}", failures=9)
    LoginThrottle.objects.create(key=f"pair:user:{member.pk}|10.0.0.1", failures=4)
    recovery.reset_code_send(phone=member.phone, address="10.0.0.1")
    recovery.password_reset_by_sms(
        phone=member.phone, code=latest_code(member.phone), new_password=NEW_PASSWORD, address="10.0.0.1"
    )
    assert not LoginThrottle.objects.exists()


def test_staff_reset_by_sms_still_meet_the_second_factor(client, user_with_role):
    staff = user_with_role(Role.PROPOSALS_STAFF, username="staff", phone="13800000002")
    TOTPDevice.objects.create(user=staff, name="a", confirmed=True)
    recovery.reset_code_send(phone=staff.phone, address="10.0.0.1")
    recovery.password_reset_by_sms(
        phone=staff.phone, code=latest_code(staff.phone), new_password=NEW_PASSWORD, address="10.0.0.1"
    )
    response = client.post("/accounts/login/", {"username": "staff", "password": NEW_PASSWORD})
    assert response.status_code == 302
    response = client.get("/workbench/")
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:otp_verify"))


def test_a_staff_account_without_an_authenticator_resets_by_email_only(user_with_role):
    staff = user_with_role(Role.PROPOSALS_STAFF, username="staff", phone="13800000002")
    recovery.reset_code_send(phone=staff.phone, address="10.0.0.1")
    assert not SmsCode.objects.exists()
    assert "电子邮箱" in SmsMessage.objects.get(phone=staff.phone).text
    with pytest.raises(SmsCodeError):
        recovery.password_reset_by_sms(phone=staff.phone, code="000000", new_password=NEW_PASSWORD, address="x")
    staff.refresh_from_db()
    assert staff.check_password(PASSWORD)


# ---- password reset by e-mail --------------------------------------------------------------------------------------


def test_reset_by_email_sends_a_one_hour_single_use_link(client, member):
    response = client.post(EMAIL_RESET, {"email": member.email.upper()})
    assert response.status_code == 302 and response.url == reverse("accounts:password_reset_sent")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [member.email]
    link = re.search(r"https?://[^/]+(/accounts/password/reset/[^\s]+/)", mail.outbox[0].body).group(1)
    response = client.get(link)  # Django moves the token into the session and redirects to the set-password form
    form_url = response.url
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302 and response.url == reverse("accounts:login")
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)
    assert AuditEntry.objects.filter(action="password.reset", actor=member).get().detail == {"channel": "email"}
    assert AuditEntry.objects.filter(action="password.reset_requested", object_id=str(member.pk)).count() == 1
    # Used once: the link no longer works.
    response = client.get(link)
    assert "该链接已失效" in response.content.decode()


def test_an_expired_link_is_refused(client, member, settings):
    client.post(EMAIL_RESET, {"email": member.email})
    link = re.search(r"https?://[^/]+(/accounts/password/reset/[^\s]+/)", mail.outbox[0].body).group(1)
    settings.PASSWORD_RESET_TIMEOUT = -1
    assert "该链接已失效" in client.get(link, follow=True).content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, member):
    known = client.post(EMAIL_RESET, {"email": member.email})
    unknown = client.post(EMAIL_RESET, {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302 and known.url == unknown.url
    assert len(mail.outbox) == 1


def test_email_requests_are_limited_per_address_written_in(client, member):
    for _ in range(3):
        client.post(EMAIL_RESET, {"email": member.email})
    response = client.post(EMAIL_RESET, {"email": member.email})
    assert response.status_code == 200 and "操作过于频繁" in response.content.decode()
    assert len(mail.outbox) == 3
