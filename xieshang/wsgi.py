import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xieshang.settings")
application = get_wsgi_application()

from xieshang.core import warmup  # noqa: E402 - after the application, which sets Django up

if warmup.enabled():
    warmup.warm_up()
