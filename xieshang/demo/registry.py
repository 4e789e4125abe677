"""What every demo builder shares: the context (one seeded RNG, the scale, what earlier builders left) and the
history() block that loads the past without notifications.

A builder is fn(ctx: DemoContext) -> None. The accounts builder runs first and leaves the organization, people and
the demo accounts in ctx for the domains that follow. The running order is the plain list in builders.py: the
domains do not register anything and do not know the demo exists."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from xieshang.core import limits
from xieshang.notifications.services import suppressed

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


@contextmanager
def history() -> Iterator[None]:
    """Loading the past: no notifications (the demo's year must not flood today's inboxes) and no abuse limits (a year
    written in a minute is no flood: core.limits.lifted). The one switch for notifications is
    notifications.services.suppressed(); what services and the workflow engine send after the commit runs in the
    context it was scheduled in (notifications.services.after_commit), so the block covers it too."""
    with suppressed(), limits.lifted():
        yield
