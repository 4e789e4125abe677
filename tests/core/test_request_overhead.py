"""What every signed-in request costs before the view's own work (issue 18): the user, the second-factor device
(staff) and the role grants with their organizations; the security policy, the unread badge and the menu's probes
come from the cache; the session is not written while nothing changed (the idle timestamp at most once a minute);
templates come from the cached loader."""

from __future__ import annotations

import time

import pytest
from django.db import connection
from django.template import engines
from django.test.utils import CaptureQueriesContext
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import make_user
from xieshang.accounts.middleware import LAST_SEEN_EVERY, SESSION_LAST_SEEN
from xieshang.accounts.models import Role
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
def test_a_staff_request_costs_three_queries(client, organization, production_sessions):
    _staff(client, organization)
    _queries(client)  # per-process and cached reads (policy, menu probes, badge) are filled by the first request
    sqls = _queries(client)
    assert _tables(sqls) == ["accounts_user", "otp_totp_totpdevice", "accounts_rolegrant"], sqls
    assert "accounts_organization" in sqls[2]  # the organizations come with the grants


@pytest.mark.django_db
def test_a_member_request_costs_two_queries(client, organization, production_sessions):
    client.force_login(make_user(Role.MEMBER, organization, username="overhead_member"))
    _queries(client)
    assert _tables(_queries(client)) == ["accounts_user", "accounts_rolegrant"]


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
