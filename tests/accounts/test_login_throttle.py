"""Issue #11 (login hardening): attempts are counted atomically, unknown and known names answer alike, failures are
limited per client address as well as per account, and an attacker elsewhere cannot lock an account's owner out."""

import contextlib
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from tests.factories import PASSWORD, make_user
from xieshang.accounts import services
from xieshang.accounts.models import LoginThrottle, Role, User

LOGIN = "/accounts/login/"


def attempt(username, password, address="127.0.0.1"):
    response = Client(REMOTE_ADDR=address).post(LOGIN, {"username": username, "password": password})
    if response.status_code == 302:
        return "ok"
    body = response.content.decode()
    return body.split('class="form-errors" role="alert">', 1)[1].split("</div>", 1)[0]


def test_parallel_wrong_passwords_get_no_more_checks_than_the_threshold(member, monkeypatch):
    """Nine attempts arrive while the first is still checking its password: only five passwords are checked."""
    real = services.authenticate
    checks = []

    def authenticate(request, **credentials):
        checks.append(credentials["username"])
        if len(checks) == 1:
            for _ in range(8):  # the other eight, "at the same moment"
                services_attempt(request)
        return real(request, **credentials)

    def services_attempt(request):
        with contextlib.suppress(services.LoginRefused):
            services.login_attempt(request=request, identifier="member", password="wrong")

    monkeypatch.setattr(services, "authenticate", authenticate)
    attempt("member", "wrong")
    assert len(checks) == 5
    member.refresh_from_db()
    assert member.failed_logins == 5


def test_unknown_and_known_names_answer_alike(member):
    known = [attempt("member", "wrong") for _ in range(7)]
    unknown = [attempt("nobody", "wrong") for _ in range(7)]
    assert known == unknown
    assert "已锁定" in known[4] and "已被锁定" in known[5]


def test_an_attacker_elsewhere_cannot_lock_the_owner_out(organization):
    make_user(Role.SECURITY_ADMIN, organization, username="secadmin")
    answers = [attempt("secadmin", "guess", address="203.0.113.9") for _ in range(8)]
    assert "已锁定" in answers[4] and all("已被锁定" in a or "秒后再试" in a for a in answers[5:])
    # The owner, at his own address, signs in once the short delay has passed.
    LoginThrottle.objects.filter(key__startswith="acct:").update(blocked_until=timezone.now() - timedelta(seconds=1))
    assert attempt("secadmin", PASSWORD, address="10.1.2.3") == "ok"
    # The attacker's address stays locked for this account, even with the right password.
    assert attempt("secadmin", PASSWORD, address="203.0.113.9") != "ok"


def test_one_address_is_limited_over_all_names(member):
    for i in range(19):
        assert "不正确" in attempt(f"nobody{i}", "wrong", address="198.51.100.7")
    assert "30 分钟后再试" in attempt("nobody19", "wrong", address="198.51.100.7")
    assert "请" in attempt("member", PASSWORD, address="198.51.100.7")  # the address waits, whatever the name
    assert attempt("member", PASSWORD, address="198.51.100.8") == "ok"


def test_a_targeted_account_is_slowed_from_every_address(member):
    for i in range(5):
        attempt("member", "wrong", address=f"192.0.2.{i}")  # one try from each of many addresses
    # The account now asks for a growing wait between tries, from any address: the right password included.
    answer = attempt("member", PASSWORD, address="192.0.2.200")
    assert "秒后再试" in answer
    row = LoginThrottle.objects.get(key=f"acct:user:{member.pk}")
    assert row.blocked_until - timezone.now() <= timedelta(seconds=services.ACCOUNT_DELAY_CAP_SECONDS)
    row.blocked_until = timezone.now() - timedelta(seconds=1)
    row.save()
    attempt("member", "wrong", address="192.0.2.201")
    longer = LoginThrottle.objects.get(key=f"acct:user:{member.pk}")
    assert longer.blocked_until - timezone.now() > timedelta(seconds=2)  # the delay grows
    # It never becomes a lockout: the cap holds however many failures come.
    LoginThrottle.objects.filter(pk=row.pk).update(failures=500, blocked_until=None)
    attempt("member", "wrong", address="192.0.2.202")
    capped = LoginThrottle.objects.get(pk=row.pk)
    assert capped.blocked_until - timezone.now() <= timedelta(seconds=services.ACCOUNT_DELAY_CAP_SECONDS)
    LoginThrottle.objects.filter(pk=row.pk).update(blocked_until=timezone.now() - timedelta(seconds=1))
    assert attempt("member", PASSWORD, address="192.0.2.203") == "ok"


def test_the_security_administrator_unlock_clears_the_counters(member, organization):
    secadmin = make_user(Role.SECURITY_ADMIN, organization)
    for _ in range(5):
        attempt("member", "wrong")
    services.user_unlock(actor=secadmin, user=User.objects.get(username="member"))
    assert attempt("member", PASSWORD) == "ok"


def test_the_security_administrator_sees_accounts_locked_at_an_address(client, member, organization):
    secadmin = make_user(Role.SECURITY_ADMIN, organization)
    for _ in range(5):
        attempt("member", "wrong", address="203.0.113.50")
    from xieshang.accounts.workbench import security_admin_section

    section = security_admin_section(secadmin, organization)
    assert [item.url for item in section.items] == [f"/admin/accounts/user/{member.pk}/change/"]
