"""core.services: the permission check, the lock-and-refresh rule and the text length check every service uses."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction

from tests.workflow.conftest import make_org, make_user, new_ticket, walk
from tests.workflow.testapp.models import Reviewer, Ticket
from xieshang.accounts.models import Role
from xieshang.core.services import lock, refresh, require, text_error


@pytest.fixture
def setup(db):
    org = make_org("coresvc", "服务市政协")
    people = {
        "submitter": make_user(org, Role.MEMBER),
        "staff": make_user(org, Role.PROPOSALS_STAFF),
        "member": make_user(org, Role.MEMBER),
        "co1": make_user(org, Role.UNIT_OFFICER),
        "co2": make_user(org, Role.UNIT_OFFICER),
    }
    return org, people, new_ticket(org, people)


def test_require_passes_the_holder_and_refuses_others_with_the_message(setup):
    org, people, ticket = setup
    require(people["submitter"], "workflow_testapp.change_ticket", ticket)
    with pytest.raises(PermissionDenied, match="您没有执行此操作的权限"):
        require(people["member"], "workflow_testapp.change_ticket", ticket)
    with pytest.raises(PermissionDenied, match="只有提交人可以修改"):
        require(people["staff"], "workflow_testapp.change_ticket", ticket, "只有提交人可以修改。")


def test_require_refuses_anonymous_and_inactive_users(setup):
    from django.contrib.auth.models import AnonymousUser

    org, people, ticket = setup
    with pytest.raises(PermissionDenied):
        require(AnonymousUser(), "workflow_testapp.view_ticket", ticket)
    people["submitter"].is_active = False
    with pytest.raises(PermissionDenied):
        require(people["submitter"], "workflow_testapp.view_ticket", ticket)


def test_lock_reads_the_current_row_and_refresh_brings_it_back(setup):
    org, people, ticket = setup
    stale = Ticket.objects.get(pk=ticket.pk)
    Ticket.objects.filter(pk=ticket.pk).update(title="别处改过")
    with transaction.atomic():
        locked = lock(stale)
        assert locked is not stale and locked.title == "别处改过"
        locked.title = "锁内写入"
        locked.save(update_fields=["title"])
    assert stale.title == "关于加装电梯的建议"
    assert refresh(stale, locked) is stale
    assert stale.title == "锁内写入"


def test_refresh_copies_named_relations_and_drops_stale_prefetches(setup):
    org, people, ticket = setup
    stale = Ticket.objects.prefetch_related("co_handlers").select_related("state").get(pk=ticket.pk)
    assert len(stale.co_handlers.all()) == 2
    walk(ticket, people, ("submitter", "submit"))
    fresh = Ticket.objects.select_related("state", "workflow").get(pk=ticket.pk)
    ticket.co_handlers.remove(people["co2"])
    refresh(stale, fresh, "state", "workflow")
    assert stale.state_id == fresh.state_id and stale.state is fresh.state and stale.state.key == "submitted"
    assert stale.workflow is fresh.workflow
    assert len(stale.co_handlers.all()) == 1  # re-read, not the stale prefetch


def test_refresh_drops_a_cached_relation_whose_id_moved(setup):
    org, people, ticket = setup
    stale = Ticket.objects.select_related("state").get(pk=ticket.pk)
    walk(ticket, people, ("submitter", "submit"))
    refresh(stale, Ticket.objects.get(pk=ticket.pk))  # no relation named: state is read again on access
    assert stale.state.key == "submitted"


def test_lock_works_for_rows_outside_workflows(setup):
    org, people, ticket = setup
    row = Reviewer.objects.create(ticket=ticket, user=people["member"])
    with transaction.atomic():
        assert lock(row).status == Reviewer.Status.INVITED


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", "请填写标题。"),
        (None, "请填写标题。"),
        ("   \n", "请填写标题。"),
        ("好" * 10, None),
        ("好" * 11, "标题不能超过 10 字（现为 11 字）。"),
    ],
)
def test_text_error(value, expected):
    assert text_error(value, 10, "标题") == expected
