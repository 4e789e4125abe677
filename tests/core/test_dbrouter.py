"""Reads that may lag go to the replica, a writer reads his own writes, nothing changes without a replica
(core.dbrouter, decision 0042). The replica itself is exercised by tests/cluster; here the routing decisions."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.test import RequestFactory

from xieshang.accounts.models import User
from xieshang.core import dbrouter
from xieshang.core.models import WorkerHeartbeat

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")


@pytest.fixture
def with_replica(settings):
    settings.DATABASES = {**settings.DATABASES, "replica": {**settings.DATABASES["default"]}}
    settings.XIESHANG_READ_YOUR_WRITES_SECONDS = 5


def _through_middleware(request, view):
    """Run `view` as the middleware runs a view; returns the response and what the view decided."""
    seen = {}

    def get_response(req):
        return view(req, seen) or HttpResponse("ok")

    response = dbrouter.ReadYourWritesMiddleware(get_response)(request)
    return response, seen


def test_without_a_replica_nothing_changes(settings):
    assert "replica" not in settings.DATABASES
    assert not getattr(settings, "DATABASE_ROUTERS", [])
    assert "xieshang.core.dbrouter.ReadYourWritesMiddleware" not in settings.MIDDLEWARE
    queryset = User.objects.all()
    assert dbrouter.tolerant(queryset) is queryset
    with dbrouter.lag_tolerant():
        assert dbrouter.ReplicaRouter().db_for_read(User) == "default"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_tolerant_reads_go_to_the_replica_others_to_the_primary(with_replica):
    router = dbrouter.ReplicaRouter()
    assert dbrouter.tolerant(User.objects.all()).db == "replica"
    assert router.db_for_read(User) == "default"  # not declared
    with dbrouter.lag_tolerant():
        assert router.db_for_read(User) == "replica"
        with dbrouter.primary():
            assert router.db_for_read(User) == "default"
            assert dbrouter.tolerant(User.objects.all()).db == "default"
        with transaction.atomic():  # a transaction on the primary reads its own view
            assert router.db_for_read(User) == "default"
            assert dbrouter.tolerant(User.objects.all()).db == "default"
    assert router.db_for_write(User) == "default"
    assert router.allow_migrate("replica", "accounts") is False
    assert router.allow_migrate("default", "accounts") is None


def test_a_related_object_is_read_where_its_parent_was(with_replica):
    router = dbrouter.ReplicaRouter()
    user = User(username="x")
    user._state.db = "replica"
    assert router.db_for_read(User, instance=user) == "replica"


def test_a_post_marks_the_writer_and_his_next_reads_see_the_primary(with_replica):
    user = User(pk=101, username="writer")  # unsaved: no transaction around the test, as around a request
    factory = RequestFactory()
    post = factory.post("/proposals/new/")
    post.user = user

    def during_post(req, seen):
        seen["db"] = dbrouter.tolerant(User.objects.all()).db

    response, seen = _through_middleware(post, during_post)
    assert seen["db"] == "default"  # the writing request itself
    until = float(response.cookies[dbrouter.COOKIE].value)
    assert time.time() + 3 < until <= time.time() + 5.5
    assert float(cache.get(f"xieshang:rw:{user.pk}")) == pytest.approx(until, abs=0.01)

    def read(req, seen):
        seen["db"] = dbrouter.tolerant(User.objects.all()).db

    # The same browser (the cookie) on any app server: the primary.
    get = factory.get("/proposals/mine/")
    get.COOKIES[dbrouter.COOKIE] = response.cookies[dbrouter.COOKIE].value
    get.user = User(pk=102, username="someone-else-on-this-browser")
    assert _through_middleware(get, read)[1]["db"] == "default"
    # His other device (no cookie; the shared cache's stamp): the primary.
    other_device = factory.get("/proposals/mine/")
    other_device.user = user
    assert _through_middleware(other_device, read)[1]["db"] == "default"
    # Another user: the replica.
    stranger = factory.get("/proposals/mine/")
    stranger.user = User(pk=103, username="stranger")
    assert _through_middleware(stranger, read)[1]["db"] == "replica"
    # Once the window has passed: the replica again.
    cache.set(f"xieshang:rw:{user.pk}", time.time() - 1)
    later = factory.get("/proposals/mine/")
    later.user = user
    later.COOKIES[dbrouter.COOKIE] = f"{time.time() - 1:.3f}"
    assert _through_middleware(later, read)[1]["db"] == "replica"


def test_a_write_during_a_get_marks_the_writer_but_the_session_row_does_not(with_replica):
    router = dbrouter.ReplicaRouter()
    factory = RequestFactory()

    def touches_session(req, seen):
        router.db_for_write(Session)
        router.db_for_write(WorkerHeartbeat)
        seen["db"] = dbrouter.tolerant(User.objects.all()).db

    request = factory.get("/")
    request.user = User(pk=104, username="idle")
    response, seen = _through_middleware(request, touches_session)
    assert seen["db"] == "replica" and dbrouter.COOKIE not in response.cookies

    def writes(req, seen):
        router.db_for_write(User)
        seen["db"] = dbrouter.tolerant(User.objects.all()).db

    request = factory.get("/notifications/")
    request.user = User(pk=104, username="idle")
    response, seen = _through_middleware(request, writes)
    assert seen["db"] == "default" and dbrouter.COOKIE in response.cookies


def _settings_of(tmp_path, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "XIESHANG_", "DATABASE", "DB_"))}
    clean.update(DJANGO_SETTINGS_MODULE="xieshang.settings", XIESHANG_VAR_DIR=str(tmp_path), SECRET_KEY="k" * 50)
    clean.update(env)
    code = (
        "import json; from django.conf import settings as s; "
        "print(json.dumps({'db': s.DATABASES, 'routers': getattr(s, 'DATABASE_ROUTERS', []), "
        "'mw': s.MIDDLEWARE, 'storage': s.STORAGES['default']}, default=str))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True)
    return result


def test_settings_replica_pgbouncer_and_storage(tmp_path):
    result = _settings_of(tmp_path)
    assert result.returncode == 0, result.stderr
    plain = json.loads(result.stdout)
    assert list(plain["db"]) == ["default"] and plain["routers"] == []
    assert plain["storage"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"

    result = _settings_of(
        tmp_path,
        DATABASE_URL="postgres://app@127.0.0.1:6432/x",
        DATABASE_REPLICA_URL="postgres://app@127.0.0.1:6433/x",
        DB_PGBOUNCER="1",
        XIESHANG_STORAGE="s3",
        S3_BUCKET="uploads",
        S3_ENDPOINT_URL="http://127.0.0.1:9000",
    )
    assert result.returncode == 0, result.stderr
    cluster = json.loads(result.stdout)
    assert cluster["db"]["replica"]["PORT"] == 6433 and cluster["db"]["replica"]["TEST"] == {"MIRROR": "default"}
    for alias in ("default", "replica"):
        assert cluster["db"][alias]["DISABLE_SERVER_SIDE_CURSORS"] is True
        assert cluster["db"][alias]["OPTIONS"]["prepare_threshold"] is None
    assert cluster["routers"] == ["xieshang.core.dbrouter.ReplicaRouter"]
    mw = cluster["mw"]
    assert mw.index("xieshang.core.dbrouter.ReadYourWritesMiddleware") == (
        mw.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1
    )
    assert cluster["storage"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert cluster["storage"]["OPTIONS"]["bucket_name"] == "uploads"
    assert cluster["storage"]["OPTIONS"]["endpoint_url"] == "http://127.0.0.1:9000"

    result = _settings_of(tmp_path, XIESHANG_STORAGE="s3")
    assert result.returncode != 0 and "S3_BUCKET" in result.stderr
