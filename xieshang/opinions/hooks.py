"""Effects of the report workflow's transitions, run by the engine inside the transition's transaction (the report
locked and fresh): public functions `on_<transition>(report, event, payload)`, and the notifier. register() hands
them to the engine.

Everything a hook needs is on the report or the event; the records of sending up, forwarding, instructions and
adoptions are written by the services before they transition (services/), the duty credit by the services too."""

from __future__ import annotations

from django.utils.translation import gettext as _

from xieshang.workflow import registry

from . import search_wiring
from .workflows import REPORT_WORKFLOW

WF = REPORT_WORKFLOW["key"]


def on_approve(report, event, payload) -> None:
    """签批 ends the editing: the first approval dates it (statistics count edited reports by this date)."""
    if report.edited_at is None:
        report.edited_at = event.at
        report.save(update_fields=["edited_at"])


def on_close(report, event, payload) -> None:
    """不予采用: the reason is kept on the report, which its authors read."""
    report.close_reason = event.reason
    report.closed_at = event.at
    report.save(update_fields=["close_reason", "closed_at"])


def on_archive(report, event, payload) -> None:
    report.closed_at = event.at
    report.save(update_fields=["closed_at"])


def on_transition(report, event, payload) -> None:
    """Every transition: the search document follows the new state and records (indexed after the commit)."""
    search_wiring.index_report(report.pk)


def notifier(report, event) -> list[tuple]:
    from xieshang.core.names import named
    from xieshang.workflow.services import state_body, users_for_roles

    if event.transition_id is None:
        return []
    people = users_for_roles(report, event.transition.notify or [])
    if not people:
        return []

    def title():  # rendered in each recipient's language (notifications.services.notify)
        names = {"title": report.title[:30], "action": named(event.transition_name)}
        return _("社情民意信息“%(title)s”：%(action)s") % names

    return [(people, title, state_body(event), report.get_absolute_url())]


def register() -> None:
    registry.register_hook(WF, "approve", on_approve)
    registry.register_hook(WF, "close", on_close)
    registry.register_hook(WF, "archive", on_archive)
    registry.register_hook(WF, registry.ANY, on_transition)
    registry.register_notifier(WF, notifier)
