"""What is kept in the shared cache about people and organizations is dropped when its source changes: a user's
role grants and menu (his generation), the organizations kept with the grants and the portal's organizations and
districts (accounts.selectors)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from xieshang.core import generations

from .models import Community, Organization, RoleGrant, User
from .selectors import COMMUNITIES_GENERATION, ORGANIZATIONS_GENERATION


def _grant_changed(sender: Any, instance: RoleGrant, using: str = "default", **kwargs: Any) -> None:
    generations.advance(generations.for_user(instance.user_id), using=using)


def _user_changed(sender: Any, instance: User, using: str = "default", update_fields: Any = None, **kw: Any) -> None:
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # signing in changes nothing the menu or the grants depend on
    generations.advance(generations.for_user(instance.pk), using=using)


def _organization_changed(sender: Any, using: str = "default", **kwargs: Any) -> None:
    generations.advance(ORGANIZATIONS_GENERATION, using=using)


def _community_changed(sender: Any, using: str = "default", **kwargs: Any) -> None:
    generations.advance(COMMUNITIES_GENERATION, using=using)


def register() -> None:
    from django.apps import apps

    from .backends import USERS_GENERATION
    from .middleware import DEVICES_GENERATION

    generations.watch_models(USERS_GENERATION, [User])
    devices = [m for c in apps.get_app_configs() if c.label.startswith("otp_") for m in c.get_models()]
    generations.watch_models(DEVICES_GENERATION, devices)
    for signal in (post_save, post_delete):
        signal.connect(_grant_changed, sender=RoleGrant, dispatch_uid=f"accounts_grants_{signal is post_save}")
        signal.connect(_organization_changed, sender=Organization, dispatch_uid=f"accounts_orgs_{signal is post_save}")
        signal.connect(_community_changed, sender=Community, dispatch_uid=f"accounts_communities_{signal is post_save}")
    post_save.connect(_user_changed, sender=User, dispatch_uid="accounts_user_generation")
