"""The personal workbench (我的待办): each app registers a provider that lists what awaits the user there.

The registry keeps the base free of domain imports: a domain app registers in its AppConfig.ready()."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date


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

    @property
    def count(self) -> int:
        return self.total if self.total is not None else len(self.items)


Provider = Callable[[object, object], WorkSection | None]
_providers: list[tuple[int, Provider]] = []


def register(provider: Provider, order: int = 100) -> Provider:
    if all(p is not provider for _, p in _providers):
        _providers.append((order, provider))
        _providers.sort(key=lambda pair: pair[0])
    return provider


RolesOf = Callable[[object, object], set[str]]
RoleLabel = Callable[[str], str]
_roles: dict[str, RolesOf | RoleLabel] = {}


def register_roles(roles_of: RolesOf, label: RoleLabel) -> None:
    """accounts hands over who holds which role and what a role is called; the workbench shows "您在本组织的身份"."""
    _roles["of"], _roles["label"] = roles_of, label


def roles_of(user, organization) -> list[str]:
    of = _roles.get("of")
    return sorted(of(user, organization)) if of is not None and organization is not None else []  # type: ignore[arg-type]


def role_label(value: str) -> str:
    label = _roles.get("label")
    return str(label(value)) if label is not None else value  # type: ignore[arg-type]


def sections_for(user, organization) -> list[WorkSection]:
    sections = []
    for _, provider in _providers:
        section = provider(user, organization)
        if section is not None:
            sections.append(section)
    return sections
