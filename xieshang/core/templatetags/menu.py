"""`{% main_menu %}`: the main menu of base.html, rendered once per process for each distinct menu.

The menu's markup is a pure function of the entries the reader sees (their keys, in order, and the groups'), the
language, the script prefix, the page's path (the current entry is marked) and the unread count (the badges): the
rendered HTML is kept per process under those values, so a page renders its menu only the first time a process
serves that menu. Nothing of the reader is in it but what the key names."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from django import template
from django.template.loader import get_template
from django.urls import get_script_prefix
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from xieshang.core import caches

register = template.Library()

_MAX = 4096
_lock = threading.Lock()  # gunicorn's threads share the dictionary
_rendered: OrderedDict[tuple[Any, ...], SafeString] = OrderedDict()
caches.register("core.menu", _rendered.clear)


def _shape(entries: list[dict[str, Any]]) -> tuple[Any, ...]:
    return tuple((e["key"], e.get("url", ""), tuple(c["key"] for c in e.get("children", ()))) for e in entries)


@register.simple_tag(takes_context=True)
def main_menu(context: template.Context) -> SafeString:
    entries = context.get("nav_entries") or []
    if not entries:
        return mark_safe("")  # noqa: S308 - an empty string
    request = context.get("request")
    path = getattr(request, "path", "")
    unread = int(context.get("unread_notifications") or 0)
    key = (_shape(entries), get_language(), get_script_prefix(), path, unread)
    html = _rendered.get(key)
    if html is None:
        html = mark_safe(  # noqa: S308 - our own template's output, escaped when it was rendered
            get_template("core/_main_menu.html").render(
                {"nav_entries": entries, "path": path, "unread_notifications": unread}
            )
        )
        with _lock:
            _rendered[key] = html
            if len(_rendered) > _MAX:
                _rendered.popitem(last=False)
    else:
        with _lock:
            if key in _rendered:
                _rendered.move_to_end(key)
    return html
