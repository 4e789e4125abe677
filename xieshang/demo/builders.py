"""The demo builders, in the order `manage.py demo_data` runs them (each builder imports registry, not this list)."""

from __future__ import annotations

from collections.abc import Callable

from .registry import DemoContext


def builders() -> list[tuple[str, Callable[[DemoContext], None]]]:
    """(name, builder) in running order; `demo_data --only` names them."""
    from . import (
        activities,
        announcements,
        assemblies,
        consultations,
        deliberation,
        following,
        opinions,
        organization,
        personal_data,
        proposals,
        registers,
        unit_reports,
    )

    return [
        ("accounts", organization.build),
        # The plenary session opens before the proposals, whose window ties them to it, and closes after them.
        ("sessions", assemblies.build),
        ("proposals", lambda ctx: proposals.build(ctx, scale=ctx.scale)),
        ("sessions_close", assemblies.close),
        ("opinions", opinions.build),
        ("deliberation", deliberation.build),
        ("consultations", consultations.build),
        ("activities", activities.build),
        ("registers", registers.build),
        ("announcements", announcements.build),
        ("personal_data", personal_data.build),
        # after the consultations builder: the report year's promises are outcomes (decision 0030)
        ("unit_reports", unit_reports.build),
        # last: follows start from now, after every domain's history is written
        ("following", following.build),
    ]
