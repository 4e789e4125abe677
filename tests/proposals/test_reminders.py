"""The daily reminder job warns before the receipt and handling deadlines and marks overdue proposals (催办)."""

import pytest
from django.utils import timezone

from xieshang.notifications.models import Notification
from xieshang.workflow.calendar import add_working_days
from xieshang.workflow.reminders import send_due_reminders

from .factories import advance, make_proposal

pytestmark = pytest.mark.django_db


def test_receipt_deadline_warning_and_overdue(world):
    p = advance(world, make_proposal(world), "assigned", co=False)
    assert p.due_on == add_working_days(timezone.localdate(p.state_entered_at), 10)
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

    assert p.due_on == next_workday(add_months(timezone.localdate(p.assigned_at), 3))
    report = send_due_reminders(add_working_days(p.due_on, -10), force=True)
    assert report.warnings == 1


def test_overdue_goes_by_sms_onto_the_timeline_and_into_the_staff_overdue_filter(client, world):
    from django.urls import reverse

    from tests.proposals.test_views_support import login
    from xieshang.notifications.models import SmsMessage
    from xieshang.workflow.models import WorkflowEvent

    p = advance(world, make_proposal(world), "assigned", co=False)
    send_due_reminders(add_working_days(p.due_on, -3), force=True)
    assert not SmsMessage.objects.filter(phone=world.staff.phone).exists()  # a warning stays in-app for staff
    late = add_working_days(p.due_on, 1)
    assert send_due_reminders(late, force=True).overdue == 1
    # 催办: the unit that has not signed for it and the proposals staff get an SMS whatever their preference
    assert SmsMessage.objects.filter(phone=world.officers[0].phone).exists()
    assert SmsMessage.objects.filter(phone=world.staff.phone).exists()
    escalation = WorkflowEvent.objects.get(object_id=p.pk, kind="escalation")
    assert escalation.to_state_id == p.state_id
    # rerun the same day: nothing more is sent
    sent = SmsMessage.objects.count()
    assert send_due_reminders(late, force=True).overdue == 0 and SmsMessage.objects.count() == sent
    # the staff find it in their queue's overdue filter (not one still on time), and the unit's inbox marks it
    on_time = advance(world, make_proposal(world, title="按期签收中的提案"), "assigned", co=False)
    login(client, world.staff)
    html = client.get(reverse("proposals:staff_queue") + "?overdue=on&state=assigned").content.decode()
    assert p.title in html and on_time.title not in html
    login(client, world.officers[0])
    assert "overdue" in client.get(reverse("proposals:unit_inbox")).content.decode()


def test_micro_proposal_warning_before_its_15_working_days(world):
    from xieshang.proposals import services

    p = make_proposal(world, kind="micro", body="路灯坏了")
    services.proposal_submit(actor=world.lead, proposal=p)
    services.micro_accept(actor=world.staff, proposal=p, unit=world.units[0])
    p.refresh_from_db()
    assert p.due_on == add_working_days(timezone.localdate(p.state_entered_at), 15)
    assert send_due_reminders(add_working_days(p.due_on, -3), force=True).warnings == 1
    assert Notification.objects.filter(recipient=world.officers[0], title__contains=p.title).exists()
