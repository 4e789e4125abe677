"""The personal workbench (我的待办): each app registers a provider that lists what awaits the user there.

The registry keeps the base free of domain imports: a domain app registers in its AppConfig.ready()."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any


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
_providers: list[tuple[int, Provider]] = []


def register(provider: Provider, order: int = 100) -> Provider:
    if all(p is not provider for _, p in _providers):
        _providers.append((order, provider))
        _providers.sort(key=lambda pair: pair[0])
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
    sections = []
    for _, provider in _providers:
        section = provider(user, organization)
        if section is not None:
            sections.append(section)
    return sections
