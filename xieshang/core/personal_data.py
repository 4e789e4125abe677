"""Personal data (PIPL): each app declares what it stores about a person, how to export it and how to anonymize it.

Like the workbench registry, this keeps the base free of domain imports: an app registers its sources in its
AppConfig.ready() (or wiring.py), and accounts asks this registry for "everything about this user" without knowing
which apps exist. A source is one category of the download (one JSON file in the zip) and one step of the erasure.

export(user) -> rows: a list of plain dicts (JSON-serializable values), only the user's own rows.
anonymize(user, erased) -> int: unlink or erase the user's rows and return how many rows it changed; run a second
time it finds nothing left to change and returns 0. `erased` tells the source what stands in for the person:
erased.placeholder(organization_id) is the organization's "已注销用户" account, to which content that must stay on
record (a topic, an entry, a question) is reassigned; erased.name and erased.phone are what the person was called,
to be replaced inside texts; erased.label is the neutral label itself."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

Row = dict[str, Any]


@dataclass(frozen=True)
class Erased:
    """What a source needs to anonymize one person (built by accounts, handed to every source)."""

    label: str
    name: str
    phone: str
    placeholder: Callable[[int | None], Any]

    def scrub(self, text: str) -> str:
        """The text with the person's name and phone number replaced by the neutral label (a one-character name is
        left alone: it would eat ordinary words)."""
        out = str(text or "")
        for value in (self.phone, self.name):
            if value and len(value) >= 2 and value != self.label:
                out = out.replace(value, self.label)
        return out


@dataclass(frozen=True)
class Source:
    key: str  # the file name in the zip: <key>.json
    title: Any  # a str or a lazy translation: the category's heading on the page
    description: Any  # what the category holds and what happens to it on deletion
    fields: dict[str, Any]  # column → its meaning (the README and the page's table headers)
    export: Callable[[Any], list[Row]]
    anonymize: Callable[[Any, Erased], int]
    order: int = 100
    extra: dict[str, Any] = field(default_factory=dict)


_sources: dict[str, Source] = {}


def register(source: Source) -> Source:
    """Declare a source; registering the same key again replaces it (ready() may run twice in tests)."""
    _sources[source.key] = source
    return source


def sources() -> list[Source]:
    return sorted(_sources.values(), key=lambda s: (s.order, s.key))


def plain(value: Any) -> Any:
    """A value as JSON holds it: dates and times in ISO 8601, decimals as strings, lazy texts as str."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    return str(value)


def collect(user: Any) -> list[tuple[Source, list[Row]]]:
    """Every source's rows for the user, in order."""
    return [(source, [{k: plain(v) for k, v in row.items()} for row in source.export(user)]) for source in sources()]
