"""The demo builders, in the order `manage.py demo_data` runs them with one seeded RNG.

A builder is fn(ctx: DemoContext) -> None. The accounts builder runs first and leaves the organization, people and
the demo accounts in ctx for the domains that follow. The list is plain and lives here: the domains do not register
anything and do not know the demo exists."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from types import ModuleType

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
def history(domain_services: ModuleType | None = None) -> Iterator[None]:
    """Loading the past: no notifications (the demo's year must not flood today's inboxes).

    notifications.services.suppressed() is the one switch. It holds back what is sent inside the block; the engine's
    notifiers and some services send after the commit, when the block is long over, and the domains still tell those
    apart with their own quiet() switch. While a domain's services have one (issue #12: it becomes an alias of
    suppressed(), then goes), it is entered too, so the demo builds the same data; nothing else here names it."""
    with ExitStack() as stack:
        stack.enter_context(suppressed())
        quiet = getattr(domain_services, "quiet", None)
        if quiet is not None:
            stack.enter_context(quiet())
        yield


def builders() -> list[tuple[str, Callable[[DemoContext], None]]]:
    """(name, builder) in running order; `demo_data --only` names them."""
    from . import consultations, deliberation, opinions, organization, proposals

    return [
        ("accounts", organization.build),
        ("proposals", lambda ctx: proposals.build(ctx, scale=ctx.scale)),
        ("opinions", opinions.build),
        ("deliberation", deliberation.build),
        ("consultations", consultations.build),
    ]
