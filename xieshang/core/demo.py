"""Demo data registry: each app registers a builder; `manage.py demo_data` runs them in order with one seeded RNG.

A builder is fn(ctx: DemoContext) -> None. The accounts builder runs first and leaves the organization, people and
the demo accounts in ctx for the domains that follow."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

DEMO_PASSWORD = "Xieshang-2026"


@dataclass
class DemoContext:
    rng: random.Random
    stdout: object = None
    data: dict = field(default_factory=dict)  # shared between builders: "organization", "members", "accounts" ...
    accounts: list[tuple[str, str, str]] = field(default_factory=list)  # (role label, username, note)
    # 1.0 builds a full year at the scale of the conference's work report; builders that run every item through the
    # workflow engine scale their volume by it (make demo uses a smaller default so that it starts within a minute).
    scale: float = 1.0

    def say(self, text: str) -> None:
        if self.stdout is not None:
            self.stdout.write(text)


_builders: list[tuple[int, str, Callable[[DemoContext], None]]] = []


def register(name: str, builder: Callable[[DemoContext], None], order: int = 100) -> None:
    if all(n != name for _, n, _ in _builders):
        _builders.append((order, name, builder))
        _builders.sort(key=lambda item: item[0])


def builders() -> list[tuple[int, str, Callable[[DemoContext], None]]]:
    return list(_builders)
