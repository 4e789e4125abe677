"""Sessions end after an absolute lifetime however active, and a page's own polling is not activity."""

import time

import pytest
from django.urls import reverse

from xieshang.accounts.middleware import SESSION_LAST_SEEN, SESSION_STARTED

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


def _age(client, **values):
    session = client.session
    for key, seconds_ago in values.items():
        session[key] = time.time() - seconds_ago
    session.save()


def test_an_active_session_ends_after_twelve_hours(client, member, settings):
    assert settings.XIESHANG_SESSION_ABSOLUTE_HOURS == 12 and settings.SESSION_COOKIE_AGE == 12 * 3600
    client.force_login(member)
    _age(client, **{SESSION_STARTED: 11 * 3600, SESSION_LAST_SEEN: 60})
    assert client.get("/workbench/").status_code == 200
    _age(client, **{SESSION_STARTED: 12 * 3600 + 60, SESSION_LAST_SEEN: 60})
    response = client.get("/workbench/")
    assert response.status_code == 302 and response.url.startswith(LOGIN)
    page = client.get(response.url).content.decode()
    assert "连续登录超过 12 小时" in page


def test_signing_in_again_restarts_the_lifetime(client, member):
    client.force_login(member)
    _age(client, **{SESSION_STARTED: 12 * 3600 + 60})
    client.force_login(member)
    assert client.get("/workbench/").status_code == 200


def test_polling_does_not_count_as_activity(client, member):
    client.force_login(member)
    _age(client, **{SESSION_LAST_SEEN: 20 * 60})
    before = client.session[SESSION_LAST_SEEN]
    client.get(reverse("stats:dashboard_data"))  # the dashboard's own refresh (core.http.background_request)
    assert client.session[SESSION_LAST_SEEN] == before
    client.get("/workbench/")  # the user's own click
    assert client.session[SESSION_LAST_SEEN] > before + 60
    # An open tab that only polls reaches the idle timeout.
    _age(client, **{SESSION_LAST_SEEN: 31 * 60})
    response = client.get(reverse("stats:dashboard_data"))
    assert response.status_code == 302 and response.url.startswith(LOGIN)


def test_every_polled_endpoint_is_marked_background():
    from django.urls import resolve

    from xieshang.core.http import is_background

    for path in ("/consultations/1/live/feed/", "/deliberation/1/map/status/", reverse("stats:dashboard_data")):
        assert is_background(resolve(path).func), path
