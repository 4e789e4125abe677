from datetime import date

import pytest
from django.core.management import call_command

from tests.workflow.conftest import walk
from tests.workflow.testapp.models import Ticket
from xieshang.notifications.models import Notification, SmsMessage
from xieshang.notifications.services import set_channels
from xieshang.workflow.models import Reminder
from xieshang.workflow.reminders import send_due_reminders
from xieshang.workflow.selectors import events_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(ticket, people):
    """Submitted, due Friday 10 October 2025 (warn 2 working days before, nag every 2 working days after)."""
    walk(ticket, people, ("submitter", "submit"))
    Ticket.objects.filter(pk=ticket.pk).update(due_on=date(2025, 10, 10))
    ticket.refresh_from_db()
    # The staff member wants no SMS: warnings respect that, overdue escalations (催办) do not.
    set_channels(user=people["staff"], email=False, sms=False)
    Notification.objects.all().delete()
    return ticket


def run(day):
    report = send_due_reminders(day)
    return (report.warnings, report.overdue, report.skipped_day_off)


def test_warning_then_overdue_then_nagging(submitted, people):
    staff, supervisor = people["staff"], people["supervisor"]
    assert run(date(2025, 9, 29)) == (0, 0, False)  # 3 working days left
    assert run(date(2025, 9, 30)) == (1, 0, False)  # 2 left (30 Sep → 9, 10 Oct): warn
    (warning,) = Notification.objects.all()
    assert warning.recipient == staff and warning.kind == "workflow.ticket.warning"
    assert "2025-10-10" in warning.body and "还剩 2 个工作日" in warning.body
    assert warning.sms_sent_at is None
    assert run(date(2025, 9, 30)) == (0, 0, False)  # rerun: nothing twice
    assert run(date(2025, 10, 3)) == (0, 0, True)  # 国庆: no messages on a day off
    assert run(date(2025, 10, 9)) == (0, 0, False)  # warned once per due date
    assert run(date(2025, 10, 10)) == (0, 0, False)  # due today is not late
    assert not Ticket.objects.get(pk=submitted.pk).overdue

    assert run(date(2025, 10, 11)) == (0, 1, False)  # a Saturday worked (调休): first overdue day
    submitted.refresh_from_db()
    assert submitted.overdue
    escalations = Notification.objects.filter(kind="workflow.ticket.overdue")
    assert {n.recipient for n in escalations} == {staff, supervisor}
    assert all(n.sms_sent_at for n in escalations)  # forced SMS, whatever the preference
    assert SmsMessage.objects.filter(phone=staff.phone, text__startswith="催办").exists()
    last = list(events_for(submitted))[-1]
    assert (last.kind, last.actor, last.from_state_id, last.to_state_id) == (
        "escalation",
        None,
        submitted.state_id,
        submitted.state_id,
    )
    assert last.payload == {"due_on": "2025-10-10", "working_days_late": 1}

    assert run(date(2025, 10, 11)) == (0, 0, False)  # rerun the same day
    assert run(date(2025, 10, 13)) == (0, 0, False)  # 1 working day since the last nag
    assert run(date(2025, 10, 14)) == (0, 1, False)  # 2 working days: nag again
    assert Reminder.objects.filter(object_id=submitted.pk).count() == 3
    assert Notification.objects.filter(kind="workflow.ticket.overdue").count() == 4


def test_no_repeat_when_the_state_says_once(submitted):
    state = submitted.state
    state.warn_after_every = 0
    state.save()
    assert run(date(2025, 10, 13))[1] == 1
    assert run(date(2025, 10, 20))[1] == 0


def test_moving_on_stops_reminders_and_a_new_state_starts_afresh(submitted, people):
    assert run(date(2025, 10, 13))[1] == 1
    walk(submitted, people, ("staff", "reject"))  # a final state: never reminded
    assert run(date(2025, 10, 20)) == (0, 0, False)


def test_the_command_runs_the_task(submitted, capsys):
    call_command("workflow_reminders", "--today", "2025-09-30")
    assert "1 warnings, 0 overdue" in capsys.readouterr().out
    call_command("workflow_reminders", "--today", "2025-09-30")
    assert "0 warnings, 0 overdue" in capsys.readouterr().out
    call_command("workflow_reminders", "--today", "2025-10-01")
    assert "day off" in capsys.readouterr().out
    assert Reminder.objects.count() == 1


def test_objects_without_deadline_are_left_alone(ticket):
    assert run(date(2025, 10, 13)) == (0, 0, False)
    assert not Reminder.objects.exists()
