"""Selectors: each queue returns what its role awaits, scoped to the organization, in a constant number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import audit_lock_queries
from xieshang.proposals import selectors, services, statistics
from xieshang.proposals.selectors import QueueFilters

from .factories import advance, make_proposal

pytestmark = pytest.mark.django_db


def _touch_rows(rows):
    """Read what a list page shows of each row."""
    for p in rows:
        (p.state.name, p.category and p.category.name, p.submitter.display_name, p.sector and p.sector.name)
        [(a.unit.name, a.role) for a in p.assignments.all()]


def _queries(fn):
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def _grow(w, n, state, **kwargs):
    for i in range(n):
        advance(w, make_proposal(w, title=f"关于第{i}{state}的建议", cosigners=[w.co1]), state, **kwargs)


@pytest.mark.parametrize(
    "name,state,reader",
    [
        ("member", "submitted", lambda w: _touch_rows(selectors.member_proposals(w.lead, w.org))),
        (
            "invitations",
            "draft",
            lambda w: [c.proposal.submitter.name for c in selectors.cosign_invitations(w.co2, w.org)],
        ),
        ("staff", "under_review", lambda w: _touch_rows(selectors.staff_queue(w.org))),
        ("assignment", "numbered", lambda w: _touch_rows(selectors.assignment_queue(w.org))),
        (
            "unit",
            "handling",
            lambda w: [
                (a.proposal.state.name, a.unit.name, a.is_overdue, a.proposal.submitter.name)
                for a in selectors.unit_inbox(w.officers[0], w.org)
            ],
        ),
        (
            "supervisor",
            "supervisor_review",
            lambda w: [
                (p.state.name, [r.assignment.unit.name for r in p.replies_in_review])
                for p in selectors.supervisor_queue(w.org)
            ],
        ),
        ("key", "numbered", lambda w: _touch_rows(selectors.key_proposals(w.leader, w.org, only_mine=False))),
        ("visible", "handling", lambda w: _touch_rows(selectors.visible_proposals(w.officers[0], w.org))),
    ],
)
def test_queue_query_count_is_constant(world, name, state, reader):
    w = world
    if name == "invitations":
        for i in range(2):
            make_proposal(w, title=f"邀请{i}", cosigners=[w.co2])
    else:
        _grow(w, 2, state)
    if name == "key":
        for p in selectors.assignment_queue(w.org):
            services.mark_key(actor=w.staff, proposal=p, leader=w.leader, supervising_body="督查室")
    reader(w)  # the user's roles are cached for the request after the first read
    small = _queries(lambda: reader(w))
    if name == "invitations":
        for i in range(4):
            make_proposal(w, title=f"更多邀请{i}", cosigners=[w.co2])
    else:
        _grow(w, 4, state)
    if name == "key":
        for p in selectors.assignment_queue(w.org).filter(is_key=False):
            services.mark_key(actor=w.staff, proposal=p, leader=w.leader, supervising_body="督查室")
    large = _queries(lambda: reader(w))
    assert small == large, f"{name}: {small} queries with few rows, {large} with more"
    assert large <= 4


def test_proposal_detail_query_count_is_constant(world, django_assert_max_num_queries):
    w = world
    small = advance(w, make_proposal(w, cosigners=[w.co1]), "supervisor_review")
    big = advance(w, make_proposal(w, title="经历更多的提案", cosigners=[w.co1, w.co2]), "replied")
    services.rating_submit(actor=w.lead, proposal=big, satisfaction="dissatisfied", comment="不满意")
    services.rating_submit(actor=w.co1, proposal=big, satisfaction="satisfied")
    services.rating_submit(actor=w.co2, proposal=big, satisfaction="satisfied")
    services.rehandle_contact(actor=w.officers[0], proposal=big, note="再次沟通")
    from .factories import reply

    reply(w, big)
    services.reply_countersign(actor=w.officers[1], proposal=big)
    big.refresh_from_db()
    assert big.state.key == small.state.key == "supervisor_review"
    # One fewer each than before the workflow definition cache (10, 13, 10): the transitions come from the cache,
    # checked against the workflow row read with the proposal; one fewer again since the grants are kept per user.
    for user, pinned in ((w.staff, 8), (w.officers[0], 11), (w.lead, 8)):
        user = type(user).objects.get(pk=user.pk)  # a fresh request: nothing cached
        n_small = _queries(lambda u=user: selectors.proposal_detail(u, small.pk))
        user = type(user).objects.get(pk=user.pk)
        n_big = _queries(lambda u=user: selectors.proposal_detail(u, big.pk))
        assert n_small == n_big == pinned, (user.username, n_small, n_big)


def test_proposal_detail_without_assignments_skips_replies_and_ratings(world):
    """A reply needs an assignment and a rating a reply: before assignment the page reads neither."""
    w = world
    early = advance(w, make_proposal(w, title="审查中的提案", cosigners=[w.co1]), "under_review")
    late = advance(w, make_proposal(w, title="交办后的提案", cosigners=[w.co1]), "handling")
    staff = _fresh(w.staff)
    n_early = _queries(lambda: selectors.proposal_detail(staff, early.pk))
    staff = _fresh(w.staff)
    n_late = _queries(lambda: selectors.proposal_detail(staff, late.pk))
    # proposal, assignments, events, co-signatures, attachments (the roles are kept); replies once assigned
    assert n_early == n_late - 1 == 5
    page = selectors.proposal_detail(_fresh(w.staff), early.pk)
    assert (page.assignments, page.replies, page.ratings) == ([], [], [])
    assert [e.to_state.key for e in page.events][-1] == "under_review"
    assert {a.key for a in page.transitions} >= {"file", "not_file"}


def test_queues_hold_what_each_role_awaits(world, other_organization):
    w = world
    draft = make_proposal(w, cosigners=[w.co2])
    review = advance(w, make_proposal(w, title="审查中"), "under_review")
    assigned = advance(w, make_proposal(w, title="待签收"), "assigned")
    sup = advance(w, make_proposal(w, title="待审核"), "supervisor_review")
    replied = advance(w, make_proposal(w, title="待评价"), "replied", co=False)
    pending = advance(w, make_proposal(w, title="待审批"), "assignment_pending")
    assert set(selectors.cosign_invitations(w.co2, w.org).values_list("proposal", flat=True)) == {draft.pk}
    assert {p.pk for p in selectors.awaiting_rating(w.lead, w.org)} == {replied.pk}
    staff = {p.pk for p in selectors.staff_queue(w.org)}
    assert review.pk in staff and draft.pk not in staff and sup.pk not in staff
    inbox = list(selectors.unit_inbox(w.officers[0], w.org))
    assert assigned.pk in {a.proposal_id for a in inbox} and all(not a.is_overdue for a in inbox)
    assert {p.pk for p in selectors.supervisor_queue(w.org)} == {sup.pk}
    assert {p.pk for p in selectors.leader_approvals(w.org)} == {pending.pk}
    # filters
    assert {p.pk for p in selectors.staff_queue(w.org, QueueFilters(states=("assigned",), unit=w.units[0].pk))} == {
        assigned.pk
    }
    assert not selectors.staff_queue(w.org, QueueFilters(states=("assigned",), unit=w.units[2].pk)).exists()
    assert not selectors.staff_queue(w.org, QueueFilters(year=2001)).exists()
    assert not selectors.staff_queue(w.org, QueueFilters(is_key=True)).exists()
    assert selectors.staff_queue(w.org, QueueFilters(states=("under_review",), sector=None)).count() == 1
    # another organization sees nothing of these
    assert not selectors.staff_queue(other_organization).exists()
    assert not selectors.visible_proposals(w.staff, other_organization).exists()
    # a member sees own proposals, not others'
    assert {p.pk for p in selectors.visible_proposals(w.outsider, w.org)} == set()
    assert replied.pk in {p.pk for p in selectors.visible_proposals(w.lead, w.org)}


def test_detail_access(world, other_organization):
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    from tests.factories import make_user
    from xieshang.accounts.models import Role

    p = make_proposal(world)
    with pytest.raises(PermissionDenied):
        selectors.get_proposal_for_user(world.outsider, p.pk)
    stranger = make_user(Role.PROPOSALS_STAFF, other_organization)
    with pytest.raises(Http404):
        selectors.get_proposal_for_user(stranger, p.pk)
    # A draft is its member's own until submitted (proposals/visibility.py), the office's too.
    with pytest.raises(PermissionDenied):
        selectors.get_proposal_for_user(world.staff, p.pk)
    advance(world, p, "submitted")
    assert selectors.get_proposal_for_user(world.staff, p.pk) == p


def test_statistics(world):
    from xieshang.core import figures as registry

    w = world
    closed = advance(w, make_proposal(w), "closed", co=False)
    advance(w, make_proposal(w, title="待审查"), "under_review")
    p = advance(w, make_proposal(w, title="不予立案"), "under_review")
    from xieshang.proposals.selectors import grounds_for

    services.proposal_review(actor=w.staff, proposal=p, outcome="not_filed", ground=grounds_for(w.org)[0], reason="x")
    today = timezone.localdate()
    start, end = today.replace(month=1, day=1), today.replace(month=12, day=31)
    outcomes = statistics.by_outcome(w.org, start, end)
    assert outcomes["filed"] == 1 and outcomes["not_filed"] == 1
    assert outcomes["pending"] == 1 and outcomes["total"] == 3
    assert statistics.by_grade(w.org, start, end)["B"] == 1
    satisfaction, _answers = statistics.satisfaction_rate(w.org, start, end)
    assert statistics.on_time_rate(w.org, start, end).value == 1.0 and satisfaction.percent == "100.0%"
    assert statistics.by_category(w.org, start, end)[0]["count"] == 1
    [unit] = statistics.by_unit(w.org, start, end)
    assert (unit["unit"], unit["lead"], unit["replied"], unit["on_time"]) == (w.units[0].name, 1, 1, 1)
    # The statistics face (the work report, the dashboard, the API) counts the same proposals.
    assert registry.get("proposals_submitted").value(w.org.pk, start, end) == outcomes["total"]
    assert registry.get("proposals_filed").value(w.org.pk, start, end) == outcomes["filed"]
    assert closed.closed_at


def _fresh(user):
    return type(user).objects.get(pk=user.pk)  # a new request: nothing cached on the user


def test_unit_inbox_follows_the_proposal_through_its_states(world):
    """The inbox filters on the state and due date copied onto each assignment; every transition keeps them."""
    from xieshang.proposals.models import Assignment

    w = world
    p = advance(w, make_proposal(w), "assigned", co=False)

    def inbox():
        return {a.proposal_id for a in selectors.unit_inbox(_fresh(w.officers[0]), w.org)}

    def copies():
        p.refresh_from_db()
        return {(a.proposal_state_id, a.proposal_due_on) for a in Assignment.objects.filter(proposal=p)}

    assert p.pk in inbox() and copies() == {(p.state_id, p.due_on)}
    advance(w, p, "handling", co=False)
    assert p.pk in inbox() and copies() == {(p.state_id, p.due_on)}
    services.handling_extend(actor=w.staff, proposal=p, months=1, reason="涉及多部门协调")
    assert copies() == {(p.state_id, p.due_on)}
    advance(w, p, "replied", co=False)
    assert p.pk not in inbox() and copies() == {(p.state_id, p.due_on)}
    services.rating_submit(actor=w.lead, proposal=p, satisfaction="dissatisfied", comment="未解决")
    p.refresh_from_db()
    assert p.state.key == "rehandling"
    assert p.pk in inbox() and copies() == {(p.state_id, p.due_on)}
    assert p.pk in {a.proposal_id for a in selectors.unit_inbox(_fresh(w.officers[0]), w.org, include_done=True)}


def test_unit_inbox_counts_without_joining_the_proposals(world):
    w = world
    _grow(w, 3, "handling")
    officer = _fresh(w.officers[0])
    inbox = selectors.unit_inbox(officer, w.org)
    with CaptureQueriesContext(connection) as ctx:
        assert inbox.count() == 3
    assert "proposals_proposal" not in ctx.captured_queries[-1]["sql"]


def test_a_unit_of_another_organization_gives_no_inbox(world, other_organization):
    from tests.factories import HandlingUnitFactory
    from xieshang.accounts.models import Role, RoleGrant
    from xieshang.proposals.selectors import officer_unit_ids

    w = world
    advance(w, make_proposal(w), "handling")
    foreign = HandlingUnitFactory(organization=other_organization, name="外市住房局")
    RoleGrant.objects.create(user=w.officers[2], organization=w.org, role=Role.UNIT_OFFICER, handling_unit=foreign)
    officer = _fresh(w.officers[2])
    assert officer_unit_ids(officer, w.org.pk) == {w.units[2].pk}
    assert officer_unit_ids(_fresh(w.staff), w.org.pk) == set()


def test_a_transition_reads_no_workflow_definition(world, django_assert_num_queries):
    """The engine takes states and transitions from its cached definition (the row lock reads the version)."""
    import re

    w = world
    p = advance(w, make_proposal(w), "pre_accepted")
    with CaptureQueriesContext(connection) as ctx:
        services.proposal_transition(actor=w.staff, proposal=p, key="start_review")
    assert not [q for q in ctx.captured_queries if re.search(r'"workflow_(state|transition)', q["sql"])]
    p = advance(w, make_proposal(w, title="第二件"), "pre_accepted")
    # The engine's savepoint and its release, the row lock, the update, the event, the audit row, the due date and
    # state copied onto the assignments and the search index's reply lookup. 13 before the definition cache (state,
    # transition and its sources were read on every transition) and the service's own second savepoint.
    with django_assert_num_queries(11 + audit_lock_queries()):
        services.proposal_transition(actor=w.staff, proposal=p, key="start_review")
    assert p.state.key == "under_review"
