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

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language

from . import dbrouter, generations

KEPT_SECONDS = 300
SECTION_TEMPLATE = "core/_workbench_section.html"


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
    html: str = ""  # a kept section's markup, rendered once when it was built (SECTION_TEMPLATE)

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
Reads = tuple[str, ...] | Callable[[], tuple[str, ...]]
Generations = Callable[[Any, Any], tuple[str, ...]]


@dataclass
class _Kept:
    """How a kept section knows it is stale: the tables it reads and the generations its app moves itself."""

    reads: Reads = ()
    generations: Generations | None = None
    _names: tuple[str, ...] | None = None

    def resolve(self) -> None:
        """Watch the tables read: at registration, or (`reads` a function of a registry filled in the apps' ready())
        before the process's first statement once the apps are ready (core.generations.watch_later) — in every
        process, so that a process that never renders a workbench still moves the generations it writes."""
        if self._names is None:
            labels = self.reads() if callable(self.reads) else self.reads
            _watch(labels)
            self._names = tuple(f"tables:{label}" for label in labels)

    def names(self, user: Any, organization: Any) -> tuple[str, ...]:
        if self._names is None:
            generations.resolve_deferred()
            self.resolve()
        own = self.generations(user, organization) if self.generations else ()
        return (*(self._names or ()), *own, generations.for_user(user.pk))


_providers: list[tuple[int, Provider, _Kept | None]] = []


def register(
    provider: Provider, order: int = 100, *, reads: Reads | None = None, kept_by: Generations | None = None
) -> Provider:
    """Add a section. With `reads` or `kept_by` it is kept (above): `reads` names the app labels (or
    "app_label.model") of every table the section shows (its own rows, the names, states and units it prints), or is
    a function giving them (asked once, when a registry it reads is full); `kept_by(user, organization)` names the
    generations its app moves itself. Who holds which role is the reader's own generation."""
    if all(p is not provider for _, p, _ in _providers):
        kept = _Kept(reads or (), kept_by) if reads is not None or kept_by is not None else None
        if kept is not None:
            if callable(kept.reads):
                generations.watch_later(kept.resolve)
            else:
                kept.resolve()
        _providers.append((order, provider, kept))
        _providers.sort(key=lambda entry: entry[0])
    return provider


def _watch(labels: tuple[str, ...]) -> None:
    from django.apps import apps

    for label in labels:  # an app label, or "app_label.model" for one table of an app written often
        if "." in label:
            models = [apps.get_model(label)]
        else:
            models = list(apps.get_app_config(label).get_models(include_auto_created=True))
        generations.watch_models(f"tables:{label}", models)


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
    found = _kept(user, organization, [(p, kept) for _, p, kept in _providers if kept is not None])
    sections = []
    for _, provider, kept in _providers:
        section = found[provider] if kept is not None else provider(user, organization)
        if section is not None:
            sections.append(section)
    return sections


def _kept(user: Any, organization: Any, kept: list[tuple[Provider, _Kept]]) -> dict[Provider, Any]:
    """The kept providers' sections, rendered: read together, the missing ones built (from the primary), rendered
    and kept."""
    if not kept:
        return {}
    vary = f"{get_language()}:{timezone.localdate()}:{user.pk}:{getattr(organization, 'pk', None)}"
    entries = [(f"workbench:{p.__module__}.{p.__qualname__}:{vary}", k.names(user, organization)) for p, k in kept]
    out: dict[Provider, Any] = {}
    keep: dict[str, tuple[object, str]] = {}
    read = generations.read_stamped_many(entries)
    for (provider, _), (key, _), (value, stamp) in zip(kept, entries, read, strict=True):
        if value is None:
            with dbrouter.primary():  # kept for later requests: never built from a lagging replica
                built = provider(user, organization)
            if built is not None:
                built.html = render_to_string(SECTION_TEMPLATE, {"section": built})
            keep[key] = ((built,), stamp)
            out[provider] = built
        else:
            out[provider] = value[0]  # type: ignore[index]  # kept in a 1-tuple: None is a value too (no section)
    generations.keep_stamped_many(keep, KEPT_SECONDS)
    return out
