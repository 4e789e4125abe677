"""The template app (tests/workflow/testapp) works end to end through its public services, hooks, rules and
selectors. A new workflow-driven app copies these tests with its own names (docs/recipe-new-app.md)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.workflow.conftest import make_user, walk
from tests.workflow.testapp import services
from tests.workflow.testapp.models import Assignment, Reviewer, Ticket, TicketNote, TicketSettings
from tests.workflow.testapp.selectors import tickets_in_phase, visible_tickets
from xieshang.accounts.models import HandlingUnit, Role, RoleGrant
from xieshang.workflow import registry
from xieshang.workflow.selectors import state_has


@pytest.fixture
def ticket(org, people):
    ticket = services.create_ticket(actor=people["submitter"], organization=org, title=" 关于加装电梯的建议 ")
    ticket.co_handlers.set([people["co1"], people["co2"]])
    return ticket


@pytest.fixture
def unit(org, people):
    unit = HandlingUnit.objects.create(organization=org, name="住建局")
    RoleGrant.objects.create(user=people["officer"], organization=org, role=Role.UNIT_OFFICER, handling_unit=unit)
    return unit


def test_create_starts_the_workflow_and_checks_the_title(org, people, ticket):
    assert ticket.title == "关于加装电梯的建议" and state_has(ticket, "draft")
    with pytest.raises(ValidationError, match="请填写标题"):
        services.create_ticket(actor=people["submitter"], organization=org, title="  ")
    with pytest.raises(PermissionDenied):
        services.create_ticket(actor=people["staff"], organization=org, title="工作人员不提交")


def test_edit_decides_on_the_locked_row_and_refreshes_the_callers_copy(org, people, ticket):
    stale = Ticket.objects.get(pk=ticket.pk)
    services.edit_ticket(actor=people["submitter"], ticket=ticket, title="改过的标题")
    walk(ticket, people, ("submitter", "submit"))
    with pytest.raises(PermissionDenied):  # the page was read in draft; the locked row is submitted
        services.edit_ticket(actor=people["submitter"], ticket=stale, title="再改")
    assert Ticket.objects.get(pk=ticket.pk).title == "改过的标题"


def test_reviewers_are_invited_while_handling_and_answer_once(org, people, ticket):
    reviewer_user = make_user(org, Role.MEMBER)
    with pytest.raises(PermissionDenied):  # not yet in handling
        services.invite_reviewer(actor=people["staff"], ticket=ticket, user=reviewer_user)
    walk(ticket, people, ("submitter", "submit"), ("staff", "accept"))
    row = services.invite_reviewer(actor=people["staff"], ticket=ticket, user=reviewer_user)
    assert ticket in visible_tickets(reviewer_user, org)
    with pytest.raises(PermissionDenied):
        services.answer_invitation(actor=people["member"], reviewer=row, accept=True)
    services.answer_invitation(actor=reviewer_user, reviewer=row, accept=False)
    assert row.status == Reviewer.Status.DECLINED and ticket not in visible_tickets(reviewer_user, org)
    with pytest.raises(ValidationError, match="已答复"):
        services.answer_invitation(actor=reviewer_user, reviewer=row, accept=True)


def test_units_see_their_active_assignments_and_reply_finishes_them(org, people, ticket, unit):
    walk(ticket, people, ("submitter", "submit"), ("staff", "accept"))
    services.assign_unit(actor=people["staff"], ticket=ticket, unit=unit, active=False)
    assert ticket not in visible_tickets(people["officer"], org)
    services.assign_unit(actor=people["staff"], ticket=ticket, unit=unit)
    assert ticket in visible_tickets(people["officer"], org)
    walk(ticket, people, ("co1", "reply", {"grade": "A"}))  # hooks.on_reply
    assert Assignment.objects.get(ticket=ticket, unit=unit).status == Assignment.Status.DONE


def test_notes_follow_the_organizations_limit_and_stop_when_done(org, people, ticket):
    walk(ticket, people, ("submitter", "submit"))
    TicketSettings.objects.create(organization=org, note_limit=5)
    with pytest.raises(ValidationError, match="不能超过 5 字"):
        services.add_note(actor=people["staff"], ticket=ticket, text="六个字的备注")
    note = services.add_note(actor=people["staff"], ticket=ticket, text="五个字备注")
    assert isinstance(note, TicketNote)
    with pytest.raises(PermissionDenied):  # cannot see it, cannot note it
        services.add_note(actor=people["outsider"], ticket=ticket, text="外市")
    walk(ticket, people, ("staff", "reject"))
    with pytest.raises(PermissionDenied):
        services.add_note(actor=people["staff"], ticket=ticket, text="办结后")


def test_closing_numbers_the_ticket_once(org, people, ticket):
    TicketSettings.objects.create(organization=org, number_prefix="Z")
    ticket.signed_by.set([people["co1"], people["co2"]])
    walk(ticket, people, ("submitter", "submit"), ("staff", "accept"), ("co1", "reply", {"grade": "A"}))
    walk(ticket, people, ("staff", "close"))  # hooks.on_close
    number = ticket.number
    assert number.startswith("Z") and number.endswith("-0001")
    walk(ticket, people, ("supervisor", "reopen"), ("staff", "accept"), ("co1", "reply", {"grade": "B"}))
    walk(ticket, people, ("staff", "close"))
    assert ticket.number == number
    assert state_has(ticket, "public") and ticket in tickets_in_phase(org, "done")


def test_the_app_registers_its_pieces():
    assert registry.relational_role("workflow_testapp.Ticket", "submitter") is not None
    assert registry.condition("all_countersigned") is not None
    assert ("ticket", "close") in registry.registered_hook_keys()
    assert registry.requirements()["ticket"].flags == frozenset({"edit"})
