"""ASGI entry point: serves the live consultations' Server-Sent Events stream (decision 0039).

A deployment routes `/consultations/<pk>/live/stream/` (and only it, or the whole site if preferred) to
`uvicorn xieshang.asgi:application`; every other path stays on gunicorn (wsgi.py). One process holds thousands of open
streams: each waits on an asyncio queue that the process's one hub (consultations.live_stream) fills."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xieshang.settings")
application = get_asgi_application()
