"""gunicorn's settings for Xieshang: `gunicorn xieshang.wsgi` run in the checkout reads this file (docs/deployment.md).

Every value can be set from the environment, so one file serves a laptop and a production unit.

The master loads and warms the application before it forks (``preload_app``: the URL configuration with every view,
all templates compiled, the segmenter's dictionary: core.warmup). A worker, whether started with the server, after a
crash or after ``max_requests``, is then a fork of a warm process and answers its first request at once
(bench/pages/boot.py measures it). The warm-up closes its database connections before the fork; Redis connection
pools reset themselves in a forked child. A code change therefore needs a restart of the master (systemd's
`restart`), not a HUP.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
workers = int(os.environ.get("GUNICORN_WORKERS", str(2 * (os.cpu_count() or 1))))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") != "0"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# A worker is replaced after this many requests (a slow leak cannot grow for ever); the jitter keeps the workers from
# being replaced together.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "20000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "2000"))
# nginx on the same machine (or the addresses listed) may set X-Forwarded-For/-Proto (audit.middleware reads it).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None


def post_fork(server, worker):
    # Nothing the master opened while warming may be shared with a worker (the warm-up closes them already).
    from django.db import connections

    connections.close_all()
