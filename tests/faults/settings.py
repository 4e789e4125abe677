"""Settings of the processes a fault test starts (the task worker, the web server): the test settings, with the
database task backend, a short task lease, and recording SMS and e-mail receivers (tests/faults/recorders.py)."""

import os

from tests.settings import *  # noqa: F403

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "notifications", "search", "maps"],
    }
}
SMS_GATEWAY = "tests.faults.recorders.RecordingGateway"
MAILERS = {"default": {"BACKEND": "tests.faults.recorders.RecordingEmailBackend"}}
XIESHANG_TASK_LEASE_SECONDS = float(os.environ.get("XIESHANG_TASK_LEASE_SECONDS", "2"))
XIESHANG_TASK_HEARTBEAT_SECONDS = float(os.environ.get("XIESHANG_TASK_HEARTBEAT_SECONDS", "0.5"))
if os.environ.get("FAULTS_SESSION_ENGINE"):
    SESSION_ENGINE = os.environ["FAULTS_SESSION_ENGINE"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# The fault tests count every effect of a flood they make themselves from one address: the abuse limits (core.limits,
# tested on their own in tests/core/test_limits.py) are switched off here (a count of 0 switches a rule off).
XIESHANG_ABUSE_LIMITS = {
    "sms_code": {"phone": [(0, 86400)], "address": [(0, 3600)], "account": [(0, 3600)]},
    "notification_sms": {"recipient": [(0, 86400)]},
    "sms_budget": {"organization": [(0, 86400)]},
    "login": {"address": [(0, 600)]},
}
