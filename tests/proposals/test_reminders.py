"""The daily reminder job warns before the receipt and handling deadlines and marks overdue proposals (催办)."""

import pytest

from xieshang.notifications.models import Notification
from xieshang.workflow.calendar import add_working_days
from xieshang.workflow.reminders import send_due_reminders

from .factories import advance, make_proposal

pytestmark = pytest.mark.django_db


def test_receipt_deadline_warning_and_overdue(world):
    p = advance(world, make_proposal(world), "assigned", co=False)
    assert p.due_on == add_working_days(p.state_entered_at.date(), 10)
    warn_day = add_working_days(p.due_on, -3)
    report = send_due_reminders(warn_day, force=True)
    assert report.warnings == 1
    assert Notification.objects.filter(recipient=world.officers[0]).exists()
    late = add_working_days(p.due_on, 1)
    report = send_due_reminders(late, force=True)
    assert report.overdue == 1
    p.refresh_from_db()
    assert p.overdue
    # staff are told of the overdue receipt, and by SMS
    told = Notification.objects.filter(recipient=world.staff, kind__contains="overdue") | Notification.objects.filter(
        recipient=world.staff, title__contains="超期"
    )
    assert told.exists()


def test_handling_deadline_is_three_months_after_assignment(world):
    p = advance(world, make_proposal(world), "handling", co=False)
    from xieshang.workflow.calendar import add_months, next_workday

    assert p.due_on == next_workday(add_months(p.assigned_at.date(), 3))
    report = send_due_reminders(add_working_days(p.due_on, -10), force=True)
    assert report.warnings == 1
