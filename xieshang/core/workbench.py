"""The personal workbench (我的待办): each app registers a provider that lists what awaits the user there.

The registry keeps the base free of domain imports: a domain app registers in its AppConfig.ready().

A provider registered with `reads` (the app labels whose tables it reads) is kept: its section is built once and kept
in the shared cache per reader, organization, language and day, until a write of one of those tables or of the
reader's grants moves a generation (core.generations.watch), and `KEPT_SECONDS` at most (what a section shows of the
clock, "still ahead", moves within that bound). All kept sections of a page are read in one round trip."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language

from . import dbrouter, generations

KEPT_SECONDS = 300


@dataclass
class WorkItem:
    title: str
    url: str
    due: date | None = None
    overdue: bool = False
    note: str = ""


@dataclass
class WorkSection:
    key: str
    title: str
    items: list[WorkItem] = field(default_factory=list)
    total: int | None = None  # the full count when `items` shows only the first few
    more_url: str = ""
    empty_text: str = ""  # why the section is empty and what would put something in it
    links: list[tuple[str, str]] = field(default_factory=list)  # (label, url): the pages of the user's duty

    @property
    def count(self) -> int:
        return self.total if self.total is not None else len(self.items)


def head(queryset: Any, shown: int) -> tuple[list[Any], int]:
    """The first `shown` rows of a section and how many there are in all: one query when everything fits (the common
    case of a short list), a COUNT only when there are more rows than the section shows."""
    rows = list(queryset[: shown + 1])
    if len(rows) <= shown:
        return rows, len(rows)
    return rows[:shown], queryset.count()


Provider = Callable[[Any, Any], WorkSection | None]
_providers: list[tuple[int, Provider, tuple[str, ...] | None]] = []


def register(provider: Provider, order: int = 100, *, reads: tuple[str, ...] | None = None) -> Provider:
    """Add a section. `reads`: the app labels (or "app_label.model") of every table the section shows (its own rows,
    the names, states and units it prints); with them the section is kept (above). Who holds which role is the
    reader's own generation."""
    if all(p is not provider for _, p, _ in _providers):
        names = None
        if reads is not None:
            from django.apps import apps

            names = tuple(f"tables:{label}" for label in reads)
            for label in reads:  # an app label, or "app_label.model" for one table of an app written often
                if "." in label:
                    models = [apps.get_model(label)]
                else:
                    models = list(apps.get_app_config(label).get_models(include_auto_created=True))
                generations.watch_models(f"tables:{label}", models)
        _providers.append((order, provider, names))
        _providers.sort(key=lambda entry: entry[0])
    return provider


RolesOf = Callable[[Any, Any], set[str]]
RoleLabel = Callable[[str], Any]
_roles_of: list[RolesOf] = []
_role_label: list[RoleLabel] = []


def register_roles(roles_of: RolesOf, label: RoleLabel) -> None:
    """accounts hands over who holds which role and what a role is called; the workbench shows "您在本组织的身份"."""
    _roles_of[:], _role_label[:] = [roles_of], [label]


def roles_of(user: Any, organization: Any) -> list[str]:
    if not _roles_of or organization is None:
        return []
    return sorted(_roles_of[0](user, organization))


def role_label(value: str) -> str:
    return str(_role_label[0](value)) if _role_label else value


def sections_for(user: Any, organization: Any) -> list[WorkSection]:
    kept = [(provider, names) for _, provider, names in _providers if names is not None]
    found = _kept(user, organization, kept)
    sections = []
    for _, provider, names in _providers:
        section = found[provider] if names is not None else provider(user, organization)
        if section is not None:
            sections.append(section)
    return sections


def _kept(user: Any, organization: Any, kept: list[tuple[Provider, tuple[str, ...]]]) -> dict[Provider, Any]:
    """The kept providers' sections: read together, the missing ones built (from the primary) and kept."""
    if not kept:
        return {}
    vary = f"{get_language()}:{timezone.localdate()}:{user.pk}:{getattr(organization, 'pk', None)}"
    mine = generations.for_user(user.pk)
    entries = [(f"workbench:{p.__module__}.{p.__qualname__}:{vary}", (*names, mine)) for p, names in kept]
    out: dict[Provider, Any] = {}
    keep: dict[str, tuple[object, str]] = {}
    read = generations.read_stamped_many(entries)
    for (provider, _), (key, _), (value, stamp) in zip(kept, entries, read, strict=True):
        if value is None:
            with dbrouter.primary():  # kept for later requests: never built from a lagging replica
                built = provider(user, organization)
            keep[key] = ((built,), stamp)
            out[provider] = built
        else:
            out[provider] = value[0]  # type: ignore[index]  # kept in a 1-tuple: None is a value too (no section)
    generations.keep_stamped_many(keep, KEPT_SECONDS)
    return out
