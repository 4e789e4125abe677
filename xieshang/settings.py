"""Xieshang settings, read from the environment (12-factor).

Every variable has a development default so that `make demo` needs nothing but Python; `manage.py check --deploy`
passes once DEBUG is off and SECRET_KEY / ALLOWED_HOSTS are given.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("XIESHANG_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
_DEV_KEY = "django-insecure-xieshang-development-key-never-use-in-production-0123456789"
SECRET_KEY = os.environ.get("SECRET_KEY", _DEV_KEY if DEBUG else "")
if not DEBUG and SECRET_KEY == _DEV_KEY:
    # The development key is public: with DEBUG off it would sign production sessions (XIESHANG_DEV=1 included).
    raise RuntimeError("SECRET_KEY is the public development key: set SECRET_KEY when DEBUG is off.")
if not SECRET_KEY:
    # Failing loudly beats running production with a guessable key.
    raise RuntimeError(
        "SECRET_KEY must be set when DEBUG is off (XIESHANG_DEV=1 no longer allows the public development key "
        "without DEBUG=1)."
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "xieshang.audit.admin.AuditedAdminConfig",  # django.contrib.admin, every admin write audited
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    # base
    "xieshang.core",
    "xieshang.accounts",
    "xieshang.audit",
    "xieshang.notifications",
    "xieshang.workflow",
    "xieshang.search",
    "xieshang.deliberation",
    "xieshang.instructions",
    "xieshang.moderation",
    # domains
    "xieshang.proposals",
    "xieshang.opinions",
    "xieshang.consultations",
    "xieshang.duties",
    "xieshang.activities",
    "xieshang.assemblies",
    "xieshang.registers",
    "xieshang.announcements",
    # faces
    "xieshang.api",
    "xieshang.stats",
    "xieshang.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "xieshang.core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "xieshang.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "xieshang.core.middleware.RequestSizeLimitMiddleware",
    "xieshang.accounts.middleware.KeptDeviceOTPMiddleware",  # django-otp's, the device kept in the cache
    "xieshang.audit.middleware.AuditContextMiddleware",
    "xieshang.accounts.middleware.IdleTimeoutMiddleware",
    "xieshang.accounts.middleware.SecurityGateMiddleware",
    "xieshang.accounts.middleware.CurrentOrganizationMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "xieshang.urls"
WSGI_APPLICATION = "xieshang.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "xieshang" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "xieshang.core.context_processors.platform",
            ],
            # `|named`: names kept in rows (states, transitions, categories …) in the page's language (core.names).
            "builtins": ["xieshang.core.templatetags.names"],
        },
    },
]

# Database: a SQLite file by default, PostgreSQL in production through DATABASE_URL.
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'xieshang.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web process and the task worker share the file: WAL and IMMEDIATE transactions avoid "database is locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
# PgBouncer in transaction pooling (decision 0042): a server connection serves one transaction, then another client.
# Server-side cursors (QuerySet.iterator()) and psycopg's automatically prepared statements outlive a transaction,
# so both are switched off; Django may keep its connection to PgBouncer (DB_CONN_MAX_AGE), PgBouncer pools the rest.
DB_PGBOUNCER = env_bool("DB_PGBOUNCER", False)


def _pooled(database: dict) -> dict:
    if DB_PGBOUNCER and database["ENGINE"] == "django.db.backends.postgresql":
        database["DISABLE_SERVER_SIDE_CURSORS"] = True
        database.setdefault("OPTIONS", {})["prepare_threshold"] = None
    return database


_pooled(DATABASES["default"])
# A streaming replica (optional): reads that may lag go there through core.dbrouter (lists, search, statistics where
# they say so); a user who just wrote reads the primary for XIESHANG_READ_YOUR_WRITES_SECONDS. Unset: one database.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = _pooled(
        dj_database_url.parse(
            DATABASE_REPLICA_URL,
            conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
            conn_health_checks=True,
        )
    )
    # Tests run against one database: the replica alias reads the test database of the primary.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["xieshang.core.dbrouter.ReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
        "xieshang.core.dbrouter.ReadYourWritesMiddleware",
    )
XIESHANG_READ_YOUR_WRITES_SECONDS = float(os.environ.get("XIESHANG_READ_YOUR_WRITES_SECONDS", "10"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis is optional: cache, sessions and rate limits use it when REDIS_URL is set.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "xieshang",
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                # Redis down degrades, never fails (core.health): a read misses, a write is dropped, quickly.
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": float(os.environ.get("REDIS_CONNECT_TIMEOUT", "0.5")),
                "SOCKET_TIMEOUT": float(os.environ.get("REDIS_TIMEOUT", "0.5")),
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    DJANGO_REDIS_LOGGER = "xieshang.cache"
    # Sessions are written to the database and cached in Redis: with Redis down, signed-in users stay signed in.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "xieshang"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "notifications", "search", "maps"],
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "xieshang.accounts.backends.UsernameOrPhoneBackend",
    "xieshang.accounts.backends.AdminModuleBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "xieshang.accounts.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
]
LOGIN_URL = "accounts:login"
# A password reset link (accounts.views_recovery) is valid for an hour, and for one use: it stops working once the
# password it was sent for has changed.
PASSWORD_RESET_TIMEOUT = 3600
LOGIN_REDIRECT_URL = "core:workbench"
LOGOUT_REDIRECT_URL = "accounts:login"

# Security policy defaults (shared/domain.md); the security administrator can change them in the SecurityPolicy row.
XIESHANG_SECURITY_DEFAULTS = {
    "lockout_threshold": 5,
    "lockout_minutes": 30,
    "idle_timeout_minutes": 30,
    "password_max_age_days": 90,
    "staff_second_factor": True,
    "audit_retention_days": 183,
}

# Retention of the tables that grow without bound (decision 0043; manage.py retention). Days, or None: kept. The audit
# trail's period is the security policy's audit_retention_days (never under 183). Notifications: a notice is a pointer
# to something that has its own record; a year covers every annual cycle. SMS log (sent and received): the 等保 2.0
# rule for logs (at least six months, never less than 183 days), a year by default. Workflow events: the history of
# records that are archived, not expired; kept.
XIESHANG_RETENTION_DAYS = {
    "notifications": int(os.environ.get("XIESHANG_RETENTION_NOTIFICATIONS_DAYS", "365")),
    "sms": int(os.environ.get("XIESHANG_RETENTION_SMS_DAYS", "365")),
    "workflow_events": None,
}
# Where retention and audit_archive write the audit rows they remove (gzipped JSON lines with their hashes).
XIESHANG_AUDIT_ARCHIVE_DIR = Path(os.environ.get("XIESHANG_AUDIT_ARCHIVE_DIR", VAR_DIR / "audit-archive"))

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "xieshang" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "xieshang_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "xieshang" / "static"]
# Over-size posts get core/too_large.html (413) with the limit stated (core.middleware.RequestSizeLimitMiddleware):
# a form's text fields up to DATA_UPLOAD_MAX_MEMORY_SIZE, a whole upload with its files up to XIESHANG_MAX_UPLOAD_BYTES.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DATA_UPLOAD_MAX_MEMORY_SIZE", str(2621440)))
# The largest request with files, refused from its Content-Length before the body is read; files are also counted as
# they stream in (core.uploads.LimitedUploadHandler), for bodies without a length. The reverse proxy's own limit
# (nginx client_max_body_size) should be the same (docs/security.md).
XIESHANG_MAX_UPLOAD_BYTES = int(os.environ.get("XIESHANG_MAX_UPLOAD_BYTES", str(50 * 1024 * 1024)))
FILE_UPLOAD_HANDLERS = [
    "xieshang.core.uploads.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Zip-based documents (docx, xlsx, pptx, ofd): what they may unpack to, checked before parsing (core.uploads), and
# the memory and time a parse for the search index may take in the worker.
XIESHANG_MAX_UNPACKED_BYTES = int(os.environ.get("XIESHANG_MAX_UNPACKED_BYTES", str(100 * 1024 * 1024)))
XIESHANG_MAX_UNPACK_RATIO = int(os.environ.get("XIESHANG_MAX_UNPACK_RATIO", "100"))
XIESHANG_PARSE_MEMORY_MB = int(os.environ.get("XIESHANG_PARSE_MEMORY_MB", "512"))
XIESHANG_PARSE_SECONDS = int(os.environ.get("XIESHANG_PARSE_SECONDS", "30"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Uploads and generated files (decision 0042): the file system under MEDIA_ROOT by default (one machine, or a volume
# every app server and worker mounts); XIESHANG_STORAGE=s3 puts them in an S3-compatible object store through
# django-storages, shared by every machine. Files are always served through the views that check permissions
# (never a public bucket URL): the bucket stays private.
XIESHANG_STORAGE = os.environ.get("XIESHANG_STORAGE", "filesystem").strip().lower()
if XIESHANG_STORAGE == "s3":
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            key: value
            for key, value in {
                "bucket_name": os.environ.get("S3_BUCKET", ""),
                "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
                "region_name": os.environ.get("S3_REGION") or None,
                "access_key": os.environ.get("S3_ACCESS_KEY_ID") or None,
                "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY") or None,
                "location": os.environ.get("S3_PREFIX", ""),
                "addressing_style": os.environ.get("S3_ADDRESSING_STYLE") or None,
                "signature_version": "s3v4",
                "default_acl": None,
                "querystring_auth": True,
                "file_overwrite": False,
            }.items()
            if value is not None
        },
    }
    if not _default_storage["OPTIONS"]["bucket_name"]:
        raise RuntimeError("XIESHANG_STORAGE=s3 needs S3_BUCKET (and S3_ENDPOINT_URL for a store other than AWS).")
elif XIESHANG_STORAGE == "filesystem":
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
else:
    raise RuntimeError(f"XIESHANG_STORAGE must be 'filesystem' or 's3', not {XIESHANG_STORAGE!r}.")
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Email through Django's backends; SMS through the pluggable gateway below.
MAILERS = {
    "default": {
        "BACKEND": os.environ.get(
            "EMAIL_BACKEND",
            "django.core.mail.backends.console.EmailBackend"
            if DEBUG
            else "django.core.mail.backends.smtp.EmailBackend",
        ),
        "OPTIONS": {
            key: value
            for key, value in {
                "host": os.environ.get("EMAIL_HOST"),
                "port": int(os.environ["EMAIL_PORT"]) if os.environ.get("EMAIL_PORT") else None,
                "username": os.environ.get("EMAIL_HOST_USER"),
                "password": os.environ.get("EMAIL_HOST_PASSWORD"),
                "use_tls": env_bool("EMAIL_USE_TLS", False) or None,
            }.items()
            if value is not None
        }
        if "smtp" in os.environ.get("EMAIL_BACKEND", "smtp" if not DEBUG else "")
        else {},
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "xieshang@localhost")
# The site's address as people reach it, for links in e-mails (digests and their unsubscribe links).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "").rstrip("/")
SMS_GATEWAY = os.environ.get("SMS_GATEWAY", "xieshang.notifications.sms.LogGateway")
SMS_HTTP_URL = os.environ.get("SMS_HTTP_URL", "")
SMS_HTTP_TOKEN = os.environ.get("SMS_HTTP_TOKEN", "")
SMS_HTTP_SIGN = os.environ.get("SMS_HTTP_SIGN", "【协商】")
# The bearer token the SMS provider sends with replies to /notifications/sms/inbound/; unset, the address is closed.
SMS_INBOUND_TOKEN = os.environ.get("SMS_INBOUND_TOKEN", "")
SMS_CODE_TTL_SECONDS = 300
SMS_CODE_RESEND_SECONDS = 60

# Security headers. Behind a TLS-terminating proxy set SECURE_PROXY_SSL_HEADER through the environment.
SESSION_COOKIE_HTTPONLY = True
# A session ends after this many hours however active it is (besides the policy's idle timeout); the cookie too.
XIESHANG_SESSION_ABSOLUTE_HOURS = int(os.environ.get("XIESHANG_SESSION_ABSOLUTE_HOURS", "12"))
SESSION_COOKIE_AGE = XIESHANG_SESSION_ABSOLUTE_HOURS * 3600
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Browser features the platform never uses are switched off (core.middleware.PermissionsPolicyMiddleware).
XIESHANG_PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
}
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# The public live consultation (decision 0039). Video may be linked or embedded only from the conference's own
# streaming service: these origins ("https://live.example.gov.cn"); the live and replay pages open their CSP's
# media-src / frame-src to the one origin their video uses, nothing else. The stream (SSE) checks for changes once per
# process every XIESHANG_LIVE_POLL_SECONDS (with Redis, a published message wakes it at once and the poll is a net).
XIESHANG_LIVE_VIDEO_ORIGINS = env_list("XIESHANG_LIVE_VIDEO_ORIGINS", "https://live.example.gov.cn" if DEBUG else "")
XIESHANG_LIVE_POLL_SECONDS = float(os.environ.get("XIESHANG_LIVE_POLL_SECONDS", "0.1"))
XIESHANG_LIVE_HEARTBEAT_SECONDS = float(os.environ.get("XIESHANG_LIVE_HEARTBEAT_SECONDS", "15"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "filters": {"redis_down": {"()": "xieshang.core.health.RedisDownFilter"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "xieshang.cache": {"filters": ["redis_down"]},
    },
}

# Task lease (core.worker): a task whose worker stopped beating for this long runs again, up to the attempts.
XIESHANG_TASK_LEASE_SECONDS = float(os.environ.get("TASK_LEASE_SECONDS", "60"))
XIESHANG_TASK_MAX_ATTEMPTS = int(os.environ.get("TASK_MAX_ATTEMPTS", "5"))
# /healthz (core.health): "degraded" when the oldest due task waited longer, or the disk is fuller.
XIESHANG_HEALTH_QUEUE_LAG_SECONDS = int(os.environ.get("HEALTH_QUEUE_LAG_SECONDS", "300"))
XIESHANG_HEALTH_DISK_FREE_RATIO = float(os.environ.get("HEALTH_DISK_FREE_RATIO", "0.05"))

# The audit table is guarded by database triggers against UPDATE and DELETE. Test runs that flush the database between
# browser tests switch the guard off in tests/settings.py; a dedicated test installs it and proves it holds.
XIESHANG_AUDIT_DB_GUARD = env_bool("XIESHANG_AUDIT_DB_GUARD", True)
# PostgreSQL: the audit tables owned by a role of their own that the application's role cannot act as; the app keeps
# SELECT and INSERT (audit migration 0004, docs/security.md). Both empty (the default, and in tests): not applied.
XIESHANG_AUDIT_OWNER_ROLE = os.environ.get("XIESHANG_AUDIT_OWNER_ROLE", "")
XIESHANG_DB_APP_ROLE = os.environ.get("XIESHANG_DB_APP_ROLE", "")
# Refused requests (401, 403, and 404 to a signed-in user) recorded per client address and window, at most this many.
XIESHANG_AUDIT_REFUSALS_PER_WINDOW = int(os.environ.get("XIESHANG_AUDIT_REFUSALS_PER_WINDOW", "20"))
XIESHANG_AUDIT_REFUSALS_WINDOW_SECONDS = 600
XIESHANG_SITE_NAME = _("协商")
# The organization whose portal a visitor sees at "/" without choosing one (its code); empty: the first at the top of
# the hierarchy. A city's deployment names its own conference here (the demo: zhengzhou).
XIESHANG_PORTAL_DEFAULT = os.environ.get("XIESHANG_PORTAL_DEFAULT", "")
