"""What every signed-in request costs before the view's own work (issues 13 and 18): nothing from the database. The
user, the second-factor device (staff), the role grants with their organizations, the menu, the security policy and
the unread badge come from the cache, and follow the writes that change them (a bulk update of the user table too);
the session is not written while nothing changed (the idle timestamp at most once a minute); templates come from the
cached loader."""

from __future__ import annotations

import time

import pytest
from django.db import connection
from django.template import engines
from django.test.utils import CaptureQueriesContext
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import make_user
from xieshang.accounts.middleware import LAST_SEEN_EVERY, SESSION_LAST_SEEN
from xieshang.accounts.models import Role, RoleGrant, User
from xieshang.notifications import services as notifications

# A page with no data of its own: the password form in the platform's layout (menu, badge, organization switch).
TRIVIAL = "/accounts/password/"


@pytest.fixture
def production_sessions(settings):
    # Production keeps sessions in Redis in front of the database (settings.py with REDIS_URL); the test settings use
    # plain database sessions so that other pinned counts do not depend on Redis. Here the production engine counts.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"


def _staff(client, organization):
    staff = make_user(Role.PROPOSALS_STAFF, organization, username="overhead_staff")
    client.force_login(staff)
    device = TOTPDevice.objects.create(user=staff, confirmed=True)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return staff


def _queries(client, url=TRIVIAL):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


def _tables(sqls):
    return [sql.split(" FROM ", 1)[1].split()[0].strip('"') if " FROM " in sql else sql.split()[0] for sql in sqls]


@pytest.mark.django_db
def test_a_staff_request_costs_no_query(client, organization, production_sessions):
    _staff(client, organization)
    first = _queries(client)  # cached reads (user, device, grants, menu, policy, badge) are filled by the first
    assert {"accounts_user", "otp_totp_totpdevice", "accounts_rolegrant"} <= set(_tables(first))
    assert _queries(client) == []


@pytest.mark.django_db
def test_a_member_request_costs_no_query(client, organization, production_sessions):
    client.force_login(make_user(Role.MEMBER, organization, username="overhead_member"))
    _queries(client)
    assert _queries(client) == []


@pytest.mark.django_db
def test_a_deleted_device_unverifies_the_next_request(client, organization, production_sessions):
    staff = _staff(client, organization)
    assert client.get(TRIVIAL).context["user"].is_verified()
    TOTPDevice.objects.filter(user=staff).delete()  # the security administrator resets his second factor
    response = client.get("/proposals/staff/")
    assert response.status_code == 302  # to the second-factor page: the kept device went with the write


@pytest.mark.django_db
def test_a_changed_password_ends_other_sessions_at_once(client, organization, production_sessions):
    member = make_user(Role.MEMBER, organization, username="overhead_member")
    client.force_login(member)
    client.get(TRIVIAL)
    member.set_password("another-Long-passw0rd")
    User.objects.filter(pk=member.pk).update(password=member.password)  # past save(): the table write moves it
    response = client.get(TRIVIAL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def _menu(client):
    return [entry["key"] for entry in client.get(TRIVIAL).context["nav_entries"]]


@pytest.mark.django_db
def test_kept_grants_and_menu_follow_a_role_granted_and_withdrawn(client, organization, production_sessions):
    informant = make_user(Role.INFORMANT, organization, username="overhead_informant")
    client.force_login(informant)
    assert "proposals" not in _menu(client)
    assert client.get("/proposals/new/").status_code == 403
    grant = RoleGrant.objects.create(user=informant, organization=organization, role=Role.MEMBER)
    assert "proposals" in _menu(client)  # the next request, not after the cache expires
    assert client.get("/proposals/new/").status_code == 200
    grant.delete()
    assert "proposals" not in _menu(client)
    assert client.get("/proposals/new/").status_code == 403


@pytest.mark.django_db
def test_kept_organizations_follow_a_renamed_organization(client, organization, production_sessions):
    client.force_login(make_user(Role.MEMBER, organization, username="overhead_member"))
    client.get(TRIVIAL)
    organization.short_name = "新名称政协"
    organization.save()
    assert "新名称政协" in client.get(TRIVIAL).content.decode()


@pytest.mark.django_db
def test_an_inactive_account_is_refused_although_its_grants_are_kept(client, organization, production_sessions):
    member = make_user(Role.MEMBER, organization, username="overhead_member")
    client.force_login(member)
    client.get(TRIVIAL)
    User.objects.filter(pk=member.pk).update(is_active=False)  # past save(): the write of the table moves the kept user
    response = client.get(TRIVIAL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_the_session_is_written_only_when_the_idle_stamp_is_a_minute_old(client, organization, production_sessions):
    _staff(client, organization)
    _queries(client)
    assert not [s for s in _queries(client) if "django_session" in s]  # nothing changed: no UPDATE
    session = client.session
    session[SESSION_LAST_SEEN] = time.time() - LAST_SEEN_EVERY - 1
    session.save()
    before = client.session[SESSION_LAST_SEEN]
    writes = [s for s in _queries(client) if s.startswith("UPDATE") and "django_session" in s]
    assert len(writes) == 1
    assert client.session[SESSION_LAST_SEEN] > before


@pytest.mark.django_db
def test_the_unread_badge_is_cached_and_follows_new_and_read_notifications(client, organization, production_sessions):
    staff = _staff(client, organization)
    _queries(client)
    assert not [s for s in _queries(client) if "notifications_notification" in s]
    notifications.notify(recipients=[staff], kind="test", title="新的通知")
    assert client.get(TRIVIAL).context["unread_notifications"] == 1
    notifications.mark_read(user=staff)
    assert client.get(TRIVIAL).context["unread_notifications"] == 0


def test_templates_come_from_the_cached_loader(settings):
    assert settings.DEBUG is False
    loaders = engines["django"].engine.template_loaders
    assert [type(loader).__module__ for loader in loaders] == ["django.template.loaders.cached"]
