"""Helpers every domain service uses, so that each app writes them once: the permission check, the lock-and-refresh
rule, and the length check of a text field.

The lock rule: lock the row with no joins (PostgreSQL re-reads only the locked row after waiting, so joined columns
of a row changed meanwhile could come back stale), decide on the locked copy, write, then copy the locked row's
fields back into the caller's object with `refresh()` so that the caller's page shows what was written."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import rules
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Refusal(Exception):  # noqa: N818 (a refusal is what it is, not an "Error")
    """A service's refusal whose message is meant for the person who tried (workflow.exceptions.TransitionError
    is one). Pages show it with core.views.refusal_text; the API maps its subclasses to HTTP (api.errors)."""

    message: str = ""


def require(actor: Any, perm: str, obj: Any, message: StrOrPromise | None = None) -> None:
    """PermissionDenied (with the message shown to the user) unless the actor holds `perm` on `obj`."""
    if not rules.has_perm(perm, actor, obj):
        raise PermissionDenied(message or _("您没有执行此操作的权限。"))


def lock[M: models.Model](obj: M) -> M:
    """The object's row re-read under a row lock, without joins. Use the workflow engine's `lock` for objects in a
    workflow (it also brings the current state and definition)."""
    return type(obj)._default_manager.select_for_update(of=("self",)).get(pk=obj.pk)


def refresh[M: models.Model](target: M, source: M, *relations: str) -> M:
    """Copy the concrete fields of `source` (the locked, written row) into `target`, with the named related objects
    already loaded on `source` (e.g. "state", "workflow"); prefetched rows on `target` are dropped as stale."""
    for field in source._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))
    for name in relations:
        setattr(target, name, getattr(source, name))
    target.__dict__.pop("_prefetched_objects_cache", None)
    return target


def text_error(value: str | None, limit: int, label: str) -> str | None:
    """The message for a required text that is empty or longer than `limit` characters, else None."""
    if not (value or "").strip():
        return _("请填写%(label)s。") % {"label": label}
    if len(value or "") > limit:
        values = {"label": label, "limit": limit, "n": len(value or "")}
        return _("%(label)s不能超过 %(limit)d 字（现为 %(n)d 字）。") % values
    return None
