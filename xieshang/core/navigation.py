"""The main menu: apps register entries with a test of who sees them (as with the workbench, no domain imports).
An entry may name a group (`NavGroup`): the entries of a group that a user sees fold into one top-level item that
opens on a click (<details>, no script needed), so a member's menu stays on one line; a group with a single entry
visible shows that entry itself."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.signals import setting_changed
from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils.functional import LazyObject, empty

from . import caches, generations


@dataclass(frozen=True)
class NavEntry:
    key: str
    label: Any  # a str or a lazy translation
    url_name: str
    visible: Callable[[object, object], bool]
    order: int = 100
    group: str = ""  # a NavGroup's key: shown inside that group


@dataclass(frozen=True)
class NavGroup:
    key: str
    label: Any
    order: int = 100  # where the group stands among the top-level entries
    keys: tuple[str, ...] = ()  # entries placed in the group by key (besides those naming it)


_entries: dict[str, NavEntry] = {}
_groups: dict[str, NavGroup] = {}


def register(entry: NavEntry) -> None:
    _entries[entry.key] = entry


_placed: dict[str, str] = {}  # entry key → group key, from NavGroup.keys


def register_group(group: NavGroup) -> None:
    _groups[group.key] = group
    _placed.update({key: group.key for key in group.keys})


_urls: dict[tuple[str, str], str | None] = {}  # (script prefix, url name) → path; None when it does not reverse


def _forget_urls(**kwargs: Any) -> None:
    if kwargs.get("setting") in (None, "ROOT_URLCONF"):
        _urls.clear()


caches.register("core.navigation.urls", _forget_urls)
setting_changed.connect(_forget_urls, dispatch_uid="core.navigation.urls")


def _url(name: str) -> str | None:
    key = (get_script_prefix(), name)
    if key not in _urls:
        try:
            _urls[key] = reverse(name)
        except NoReverseMatch:
            _urls[key] = None
    return _urls[key]


def _unwrapped(user: Any) -> Any:
    """request.user is a lazy object: every attribute read goes through its proxy, and the menu's tests read the
    user a few hundred times per page. They get the user himself."""
    if isinstance(user, LazyObject):
        if user._wrapped is empty:
            user._setup()
        return user._wrapped
    return user


# The keys of the entries a user sees in an organization are kept in the shared cache under his generation (his
# grants and account: accounts/invalidation.py) and NAVIGATION_GENERATION, which an app advances when other records
# its entries' tests read change (opinions: the recipients of reports); a page reads them in the one round trip that
# checks those generations instead of running every entry's test. NAVIGATION_SECONDS bounds what a test reading
# something else could keep stale: only the menu, never the permission the page itself checks.
NAVIGATION_GENERATION = "navigation"
NAVIGATION_SECONDS = 600


def _visible_keys(user: Any, organization: Any) -> list[str]:
    ordered = sorted(_entries.values(), key=lambda e: e.order)
    return [entry.key for entry in ordered if entry.visible(user, organization)]


def visible_keys(user: Any, organization: Any) -> list[str]:
    """The keys of the entries the user sees, in order (kept in the cache, see above)."""
    user = _unwrapped(user)
    if not getattr(user, "pk", None):
        return _visible_keys(user, organization)
    key = f"navigation:{user.pk}:{getattr(organization, 'pk', 0)}"
    found, stamp = generations.read_stamped(key, NAVIGATION_GENERATION, generations.for_user(user.pk))
    if found is None:
        found = _visible_keys(user, organization)
        generations.keep_stamped(key, found, stamp, NAVIGATION_SECONDS)
    return [str(k) for k in found]  # type: ignore[attr-defined]  # a list of keys, as kept


def entries_for(user: Any, organization: Any) -> list[dict[str, Any]]:
    """The user's top-level entries in order; a group is {"key", "label", "children": [entries]}."""
    top: list[tuple[int, dict[str, Any]]] = []
    grouped: dict[str, list[dict[str, Any]]] = {}
    for key in visible_keys(user, organization):
        entry = _entries.get(key)
        if entry is None:
            continue
        url = _url(entry.url_name)
        if url is None:
            continue
        item = {"key": entry.key, "label": entry.label, "url": url}
        in_group = entry.group if entry.group in _groups else _placed.get(entry.key, "")
        if in_group:
            grouped.setdefault(in_group, []).append(item)
        else:
            top.append((entry.order, item))
    for key, children in grouped.items():
        group = _groups[key]
        if len(children) == 1:
            top.append((group.order, children[0]))
        else:
            top.append((group.order, {"key": key, "label": group.label, "url": "", "children": children}))
    return [item for _order, item in sorted(top, key=lambda pair: pair[0])]
