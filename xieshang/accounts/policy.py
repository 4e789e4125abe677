"""The security policy in force: the editable SecurityPolicy row over the defaults in settings."""

from django.conf import settings
from django.core.cache import cache

_CACHE_KEY = "xieshang:security-policy"


class Policy:
    def __init__(self, values: dict):
        self.__dict__.update(values)


def current_policy() -> Policy:
    values = cache.get(_CACHE_KEY)
    if values is None:
        from .models import SecurityPolicy

        values = dict(settings.XIESHANG_SECURITY_DEFAULTS)
        row = SecurityPolicy.objects.order_by("pk").first()
        if row is not None:
            values.update({key: getattr(row, key) for key in values})
        cache.set(_CACHE_KEY, values, 60)
    return Policy(values)


def forget_policy() -> None:
    cache.delete(_CACHE_KEY)
