"""Every creating view acts once per submission (issue #11 item 9), and so does every one added later: a view whose
code calls a creating service must carry core.idempotency.once_per_submission.

The behaviour: tests/proposals/test_double_submit.py (forms, API), tests/proposals/test_double_submit_race.py (the
race on PostgreSQL), tests/consultations/test_double_submit.py (a room topic)."""

import inspect
import re

from django.urls import URLPattern, URLResolver, get_resolver

from xieshang.core.idempotency import acts_once

# Services that create a new row from a form (a service call to one of these makes a view a creating view).
CREATING = re.compile(
    r"services\.(\w+_create|\w+_add|topic_raise|report_submit|live_post|statement_submit|record_matter|record_party_report)\("
)


def views():
    def walk(patterns):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns)
            elif isinstance(p, URLPattern):
                yield p.lookup_str, p.callback

    yield from walk(get_resolver().url_patterns)


def creates(view) -> bool:
    while hasattr(view, "__wrapped__"):
        view = view.__wrapped__
    try:
        source = inspect.getsource(view)
    except (OSError, TypeError):
        return False
    return bool(CREATING.search(source))


# Views whose service call matches a creating name but creates nothing (state changes their services refuse to repeat).
NOT_CREATING = {
    "xieshang.duties.views.reports.report_action_view",  # submits, accepts or returns an existing duty report
}


def test_every_creating_view_acts_once_per_submission():
    found = {
        name: acts_once(view)
        for name, view in views()
        if creates(view) and name.startswith("xieshang.") and name not in NOT_CREATING
    }
    assert len(found) >= 15, sorted(found)
    missing = sorted(name for name, ok in found.items() if not ok)
    assert not missing, f"creating views without @once_per_submission: {missing}"
