"""Redis stopped under a running platform: no 500, signed-in users stay signed in, SMS codes are refused (the limit
fails closed), page views and login work, a warning in the log and "degraded" on /healthz; back when it returns.

The test starts a redis-server of its own on another port (never the shared one) and configures the cache as
production does (settings.py with REDIS_URL: django-redis ignoring connection errors, cached_db sessions)."""

from __future__ import annotations

import logging
import shutil
import socket
import subprocess
import time

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories import PASSWORD, OrganizationFactory, make_user
from tests.faults import harness
from xieshang.accounts.models import Role
from xieshang.core.health import RedisDownFilter
from xieshang.notifications.models import SmsMessage

pytestmark = [
    pytest.mark.faults,
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server"),
]


def _free_port(preferred: int = 6391) -> int:
    for port in (preferred, 0):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return probe.getsockname()[1]
    raise RuntimeError("no free port")


class OwnRedis:
    def __init__(self, port: int) -> None:
        self.port = port
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],  # noqa: S607
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert harness.wait_until(self.answers, timeout=20, every=0.1), "redis-server did not start"

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def _production_cache(url: str) -> dict:
    return {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "xieshang-faults",
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.5,
                "SOCKET_TIMEOUT": 0.5,
            },
        }
    }


def test_redis_down(caplog):
    started = time.monotonic()
    redis = OwnRedis(_free_port())
    redis.start()
    url = f"redis://127.0.0.1:{redis.port}/0"
    statuses: list[int] = []
    organization = OrganizationFactory()
    make_user(Role.MEMBER, organization, username="redis_member", phone="13700000001")
    make_user(Role.MEMBER, organization, username="redis_second", phone="13700000002")
    RedisDownFilter._last = 0.0
    try:
        with override_settings(
            REDIS_URL=url,
            CACHES=_production_cache(url),
            SESSION_ENGINE="django.contrib.sessions.backends.cached_db",
            DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS=True,
            DJANGO_REDIS_LOGGER="xieshang.cache",
        ):

            def get(client, path):
                response = client.get(path)
                statuses.append(response.status_code)
                return response

            def post(client, path, data):
                response = client.post(path, data)
                statuses.append(response.status_code)
                return response

            signed_in = Client()
            answer = post(signed_in, reverse("accounts:login"), {"username": "redis_member", "password": PASSWORD})
            assert answer.status_code == 302, answer.content[:500]
            assert get(signed_in, reverse("core:workbench")).status_code == 200
            assert get(Client(), "/healthz").json()["checks"]["cache"]["status"] == "ok"

            redis.stop()
            caplog.set_level(logging.WARNING)

            # Signed in before, still signed in: the session is read from the database.
            page = get(signed_in, reverse("core:workbench"))
            signed_in_kept = page.status_code == 200 and page.wsgi_request.user.username == "redis_member"
            # Page views and login work.
            anonymous = Client()
            assert get(anonymous, reverse("accounts:login")).status_code == 200
            answer = post(anonymous, reverse("accounts:login"), {"username": "redis_second", "password": PASSWORD})
            assert answer.status_code == 302
            assert get(anonymous, reverse("core:workbench")).wsgi_request.user.username == "redis_second"
            # SMS codes: the limit cannot be kept, so none is sent (fails closed), with a clear message.
            before = SmsMessage.objects.count()
            answer = post(Client(), reverse("accounts:sms_code"), {"phone": "13600000009"})
            sms_refused = SmsMessage.objects.count() == before and "暂时无法发送" in answer.content.decode()
            # The health page says so, and stays 200.
            health = get(Client(), "/healthz")
            body = health.json()
            warned = any("Redis unreachable" in r.getMessage() for r in caplog.records)

            redis.start()
            recovered = get(Client(), "/healthz").json()["status"]
            post(Client(), reverse("accounts:sms_code"), {"phone": "13600000008"})
            sms_after = SmsMessage.objects.filter(phone="13600000008").count()
    finally:
        redis.stop()
    result = {
        "test": "redis_down",
        "requests": len(statuses),
        "server_errors": sum(1 for s in statuses if s >= 500),
        "signed_in_kept": signed_in_kept,
        "sms_refused_while_down": sms_refused,
        "healthz_while_down": f"{health.status_code} {body['status']}",
        "warning_logged": warned,
        "healthz_after": recovered,
        "sms_sent_after": sms_after,
        "seconds": round(time.monotonic() - started, 1),
    }
    harness.report(result)
    assert result["server_errors"] == 0, result
    assert signed_in_kept and sms_refused and warned, result
    assert health.status_code == 200 and body["status"] == "degraded", body
    assert body["checks"]["cache"]["status"] == "degraded", body
    assert recovered == "ok" and sms_after == 1, result
