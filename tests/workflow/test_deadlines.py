from datetime import date, datetime

import pytest
from django.utils import timezone

from tests.workflow.conftest import walk
from tests.workflow.testapp.models import Ticket
from xieshang.workflow import registry, services
from xieshang.workflow.calendar import compute_due
from xieshang.workflow.selectors import events_for

pytestmark = pytest.mark.django_db


def entered_on(ticket):
    return timezone.localdate(ticket.state_entered_at)


def test_due_dates_follow_the_state_deadline(ticket, people):
    assert ticket.due_on is None  # drafts have no deadline
    event = services.transition(actor=people["submitter"], obj=ticket, transition_key="submit")
    assert ticket.due_on == compute_due(entered_on(ticket), 5, "working_days") == event.due_on
    services.transition(actor=people["staff"], obj=ticket, transition_key="accept")
    assert ticket.due_on == compute_due(entered_on(ticket), 3, "months")
    assert Ticket.objects.get(pk=ticket.pk).due_on == ticket.due_on


def test_a_due_policy_overrides_the_default(ticket, people):
    def fast_track(obj, state, entered, default):
        return compute_due(entered, 2, "working_days") if "紧急" in obj.title else default

    registry.register_due_policy("ticket", "submitted", fast_track)
    try:
        ticket.title = "紧急：暴雨积水"
        ticket.save()
        services.transition(actor=people["submitter"], obj=ticket, transition_key="submit")
    finally:
        registry.unregister_due_policy("ticket", "submitted")
    assert ticket.due_on == compute_due(entered_on(ticket), 2, "working_days")


@pytest.fixture
def handling(ticket, people):
    """A ticket assigned on 1 July 2025 with the default 3-month deadline (due 1 October → 9 October, after 国庆)."""
    walk(ticket, people, ("submitter", "submit"), ("staff", "accept"))
    entered = timezone.make_aware(datetime(2025, 7, 1, 10, 0))
    Ticket.objects.filter(pk=ticket.pk).update(state_entered_at=entered, due_on=date(2025, 10, 9))
    ticket.refresh_from_db()
    return ticket


def test_extensions_up_to_the_maximum(handling, people):
    staff = people["staff"]
    expected = [date(2025, 11, 3), date(2025, 12, 1), date(2026, 1, 4)]  # 1 Nov is a Saturday; 4 Jan 2026 调休
    for n, due in enumerate(expected, start=1):
        event = services.extend_deadline(actor=staff, obj=handling, months=1, reason="涉及多部门协调")
        assert handling.due_on == due == event.due_on
        assert handling.deadline_extensions == n
        assert event.kind == "deadline" and event.from_state_id == event.to_state_id == handling.state_id
        assert event.payload["months"] == 1
    # 6 months after 1 July is 1 January 2026, a holiday: the maximum is the next working day, 4 January.
    with pytest.raises(services.DeadlineError, match="超过本环节最长期限 2026-01-04"):
        services.extend_deadline(actor=staff, obj=handling, days=1, reason="再延一天")
    assert Ticket.objects.get(pk=handling.pk).due_on == date(2026, 1, 4)
    assert [e.kind for e in events_for(handling)][-3:] == ["deadline"] * 3


def test_extension_in_working_days(handling, people):
    services.extend_deadline(actor=people["staff"], obj=handling, days=3, reason="补充材料")
    assert handling.due_on == date(2025, 10, 13)  # 10th, 11th (a Saturday worked, 调休), then Monday the 13th


def test_only_the_states_extend_roles_may_extend_and_with_a_reason(handling, people):
    for who in ("submitter", "co1", "supervisor", "outsider"):
        with pytest.raises(services.NotAllowed):
            services.extend_deadline(actor=people[who], obj=handling, months=1, reason="理由")
    with pytest.raises(services.ReasonRequired):
        services.extend_deadline(actor=people["staff"], obj=handling, months=1, reason="")
    with pytest.raises(services.DeadlineError):
        services.extend_deadline(actor=people["staff"], obj=handling, months=0, reason="理由")
    handling.refresh_from_db()
    assert (handling.due_on, handling.deadline_extensions) == (date(2025, 10, 9), 0)
    assert [e.kind for e in events_for(handling)] == ["start", "transition", "transition"]


def test_states_without_extend_roles_cannot_be_extended(ticket, people):
    services.transition(actor=people["submitter"], obj=ticket, transition_key="submit")
    with pytest.raises(services.NotAllowed):
        services.extend_deadline(actor=people["staff"], obj=ticket, days=2, reason="理由")


def test_set_due_by_a_domain_rule_and_the_overdue_flag(handling, people):
    Ticket.objects.filter(pk=handling.pk).update(overdue=True)
    handling.refresh_from_db()
    event = services.set_due(actor=people["staff"], obj=handling, due_on=date(2099, 1, 5), reason="", enforce=False)
    assert (handling.due_on, handling.overdue) == (date(2099, 1, 5), False)
    assert event.payload == {"from_due": "2025-10-09", "to_due": "2099-01-05"}
    assert handling.deadline_extensions == 0  # an administrative correction, not an extension
    with pytest.raises(services.DeadlineError):
        services.set_due(actor=people["staff"], obj=handling, due_on=date(2099, 1, 5), reason="超出")


def test_a_new_state_resets_deadline_bookkeeping(handling, people):
    services.extend_deadline(actor=people["staff"], obj=handling, months=1, reason="理由")
    Ticket.objects.filter(pk=handling.pk).update(overdue=True)
    handling.refresh_from_db()
    services.transition(actor=people["co1"], obj=handling, transition_key="reply", payload={"grade": "A"})
    assert (handling.due_on, handling.deadline_extensions, handling.overdue) == (None, 0, False)
