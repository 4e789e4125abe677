"""Workbench, language and care mode, with the workbench's query count pinned."""

from django.urls import reverse

from tests.factories import make_user
from xieshang.accounts.models import Role
from xieshang.notifications.services import notify


def test_anonymous_home_offers_login_and_registration(client, db):
    body = client.get("/").content.decode()
    assert reverse("accounts:login") in body and reverse("accounts:register") in body


def test_workbench_requires_login(client, db):
    response = client.get("/workbench/")
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_workbench_explains_empty_sections(client, member):
    client.force_login(member)
    body = client.get("/workbench/").content.decode()
    assert "没有未读消息" in body and "会发到这里" in body


def test_workbench_lists_waiting_items(client, member):
    notify(recipients=[member], kind="x", title="请对提案答复进行评价", url="/proposals/1/")
    client.force_login(member)
    body = client.get("/workbench/").content.decode()
    assert "请对提案答复进行评价" in body and 'href="/proposals/1/"' in body


def test_workbench_query_count_does_not_grow(client, member, django_assert_max_num_queries):
    client.force_login(member)
    for i in range(6):  # more than the section shows: its COUNT is read (a section that fits skips it)
        notify(recipients=[member], kind="x", title=f"通知{i}")
    client.get("/workbench/")
    with django_assert_max_num_queries(30) as small:
        client.get("/workbench/")
    small_count = len(small.captured_queries)  # read now: each request resets the connection's query log
    for i in range(40):
        notify(recipients=[member], kind="x", title=f"消息{i}")
    client.get("/workbench/")  # the cached unread badge was forgotten by the new notifications: counted once again
    with django_assert_max_num_queries(small_count):
        client.get("/workbench/")


def test_language_switch_sets_cookie_and_profile(client, member):
    client.force_login(member)
    response = client.post("/core/prefs/", {"language": "en", "next": "/workbench/"})
    assert response.status_code == 302 and response.cookies["xieshang_language"].value == "en"
    member.refresh_from_db()
    assert member.language == "en"
    assert client.get("/workbench/")["Content-Language"] == "en"


def test_chinese_is_the_default_whatever_the_browser_says(client, member):
    client.force_login(member)
    response = client.get("/workbench/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "zh-hans"


def test_care_mode_for_anonymous_visitors_too(client, db):
    client.post("/core/prefs/", {"care": "1", "next": "/"})
    assert 'class="care"' in client.get("/").content.decode()


def test_open_redirect_is_refused(client, db):
    response = client.post("/core/prefs/", {"care": "1", "next": "https://evil.example/"})
    assert response.url == "/"


def test_security_headers(client, db):
    response = client.get("/accounts/login/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_admin_roles_see_the_admin_link_others_do_not(client, organization):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    sysadmin = make_user(Role.SYSTEM_ADMIN, organization, is_staff=True)
    client.force_login(sysadmin)
    device = TOTPDevice.objects.create(user=sysadmin, confirmed=True)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    assert reverse("admin:index") in client.get("/workbench/").content.decode()
    assert client.get(reverse("admin:accounts_handlingunit_changelist")).status_code == 200
    # Accounts and rights are the security administrator's duty, not the system administrator's.
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 403


def test_healthz(client, db):
    answer = client.get("/healthz")
    body = answer.json()
    assert answer.status_code == 200 and body["status"] == "ok", body
    assert set(body["checks"]) == {"database", "cache", "task_queue", "disk"}
    assert all(check["status"] == "ok" for check in body["checks"].values()), body
