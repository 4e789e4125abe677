"""Issue #11 (login hardening) with real parallel requests: nine wrong passwords at once get at most the threshold
of password checks. Needs PostgreSQL (row locks); SQLite serializes whole transactions and cannot show the race."""

import threading

import pytest
from django.db import connection, connections
from django.test import RequestFactory

from tests.factories import make_user
from xieshang.accounts import services
from xieshang.accounts.models import Role, User

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks need PostgreSQL (DATABASE_URL=postgres://…)"
    ),
]


def test_nine_parallel_wrong_passwords_get_five_checks(organization, monkeypatch):
    make_user(Role.MEMBER, organization, username="target")
    real = services.authenticate
    checks = []
    lock = threading.Lock()

    def counting(request, **credentials):
        with lock:
            checks.append(1)
        return real(request, **credentials)

    monkeypatch.setattr(services, "authenticate", counting)
    barrier = threading.Barrier(9)
    answers = []

    def worker():
        request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="198.51.100.1")
        try:
            barrier.wait()
            services.login_attempt(request=request, identifier="target", password="wrong")
        except services.LoginRefused as exc:
            answers.append(str(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(9)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert len(answers) == 9
    assert len(checks) == 5
    assert User.objects.get(username="target").failed_logins == 5
