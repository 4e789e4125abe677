"""Test settings: the production settings with fast hashing, immediate tasks and in-memory mail."""

import os

os.environ.setdefault("XIESHANG_DEV", "1")
os.environ.setdefault("XIESHANG_AUDIT_DB_GUARD", "0")
# The tests run with DEBUG off, so they need a key of their own: the public development key is refused without DEBUG.
os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-the-development-key-7f3a9c1e5b2d4086")

from xieshang.settings import *  # noqa: E402,F403

DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default", "notifications", "search", "maps"],
    }
}
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
WHITENOISE_USE_FINDERS = True
if not REDIS_URL:  # noqa: F405 - with REDIS_URL (CI's PostgreSQL run) the tests use Redis as production does
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}}
elif os.environ.get("PYTEST_XDIST_WORKER", "").startswith("gw"):
    # Each pytest-xdist worker (make test runs two) uses a Redis database of its own: every test empties the cache
    # (FLUSHDB), which must not empty it under the other worker's running test. Databases 10, 11, ... per worker.
    from urllib.parse import urlsplit, urlunsplit

    _url = urlsplit(REDIS_URL)  # noqa: F405
    REDIS_URL = urlunsplit(_url._replace(path=f"/{10 + int(os.environ['PYTEST_XDIST_WORKER'][2:])}"))
    CACHES["default"]["LOCATION"] = REDIS_URL  # noqa: F405
STATIC_ROOT = VAR_DIR / "static-test"  # noqa: F405
STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# A test-only domain model for the workflow engine's tests (tests/workflow/testapp); never installed in production.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.workflow.testapp"]  # noqa: F405
# Sessions in the database in every run, so that pinned query counts are the same with and without Redis.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# The SMS provider's token for replies posted to /notifications/sms/inbound/ (SMS both ways).
SMS_INBOUND_TOKEN = "test-inbound-token"
XIESHANG_LIVE_VIDEO_ORIGINS = ["https://live.example.gov.cn"]
