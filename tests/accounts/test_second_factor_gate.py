"""Issue #11: before the second factor nothing opens but the second-factor page; the password alone never binds
(or shows the secret of) a new authenticator."""

import re

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD, make_user
from xieshang.accounts.models import Role
from xieshang.audit.models import AuditEntry
from xieshang.notifications.models import SmsMessage

LOGIN = "/accounts/login/"


@pytest.fixture
def staff(organization):
    return make_user(Role.PROPOSALS_STAFF, organization, username="staff", must_change_password=True)


def _password_only(client, user):
    response = client.post(LOGIN, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302


def test_password_change_waits_for_the_second_factor(client, staff):
    TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    _password_only(client, staff)
    response = client.get(reverse("accounts:password_change"))
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:otp_verify"))
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "Quite-Long-2027", "new_password2": "Quite-Long-2027"},
    )
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:otp_verify"))
    staff.refresh_from_db()
    assert staff.check_password(PASSWORD) and staff.must_change_password


@pytest.mark.parametrize(
    "url", ["/workbench/", "/accounts/organization/", "/accounts/register/", "/api/accounts/me", "/admin/"]
)
def test_nothing_but_the_second_factor_page_opens_before_it(client, staff, url):
    TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    _password_only(client, staff)
    for response in (client.get(url), client.post(url, {})):
        assert response.status_code == 302 and response.url.startswith(reverse("accounts:otp_verify")), url
    assert client.get(reverse("accounts:otp_verify")).status_code == 200


def test_the_password_alone_shows_no_new_secret(client, staff):
    _password_only(client, staff)
    body = client.get(reverse("accounts:otp_verify")).content.decode()
    assert 'data-testid="otp-secret"' not in body and "<svg" not in body
    assert not TOTPDevice.objects.filter(user=staff).exists()
    # A made-up SMS code does not bind an authenticator either.
    response = client.post(reverse("accounts:otp_verify"), {"action": "verify", "code": "000000"})
    assert 'data-testid="otp-secret"' not in response.content.decode()
    assert not TOTPDevice.objects.filter(user=staff).exists()


def test_a_code_sent_to_the_accounts_phone_opens_enrolment(client, staff):
    _password_only(client, staff)
    client.post(reverse("accounts:otp_verify"), {"action": "send"})
    code = re.search(r"\d{6}", SmsMessage.objects.get(phone=staff.phone).text).group()
    response = client.post(reverse("accounts:otp_verify"), {"action": "verify", "code": code})
    assert response.status_code == 302
    body = client.get(reverse("accounts:otp_verify")).content.decode()
    assert 'data-testid="otp-secret"' in body
    assert TOTPDevice.objects.filter(user=staff, confirmed=False).count() == 1
    assert AuditEntry.objects.filter(action="second_factor.enrol_started").exists()


def test_an_account_without_a_phone_is_sent_to_the_security_administrator(client, organization):
    user = make_user(Role.PROPOSALS_STAFF, organization, username="nophone", phone=None)
    _password_only(client, user)
    body = client.get(reverse("accounts:otp_verify")).content.decode()
    assert 'data-testid="otp-no-phone"' in body and 'data-testid="otp-secret"' not in body
    assert not TOTPDevice.objects.filter(user=user).exists()
