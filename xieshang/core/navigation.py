"""The main menu: apps register entries with a test of who sees them (as with the workbench, no domain imports)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class NavEntry:
    key: str
    label: Any  # a str or a lazy translation
    url_name: str
    visible: Callable[[object, object], bool]
    order: int = 100


_entries: dict[str, NavEntry] = {}


def register(entry: NavEntry) -> None:
    _entries[entry.key] = entry


def entries_for(user: Any, organization: Any) -> list[dict[str, Any]]:
    items = []
    for entry in sorted(_entries.values(), key=lambda e: e.order):
        if not entry.visible(user, organization):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        items.append({"key": entry.key, "label": entry.label, "url": url})
    return items
