from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.deliberation.factories import ConversationFactory, planted
from tests.factories import make_user
from xieshang.accounts.models import Role
from xieshang.deliberation import maps, services
from xieshang.deliberation.models import OpinionMap


def test_vote_schedules_the_task_which_stores_the_map(organization, django_capture_on_commit_callbacks):
    conversation = ConversationFactory(organization=organization)
    statements, truth = planted(conversation)
    resident = make_user(Role.CITIZEN, organization)
    with django_capture_on_commit_callbacks(execute=True):
        services.vote_cast(actor=resident, statement=statements[1], value=1)
    opinion_map = OpinionMap.objects.get(conversation=conversation)
    assert opinion_map.computed_at is not None and not opinion_map.pending
    result = opinion_map.result
    assert result["k"] == 2
    assert sorted(g["size"] for g in result["groups"]) == [20, 20]
    # Participants of one planted group land in one map group.
    by_group = {}
    for _x, _y, group, number in result["points"]:
        if number in truth:
            by_group.setdefault(truth[number], set()).add(group)
    assert all(len(groups) == 1 for groups in by_group.values())
    assert 0 in [item["statement"] for item in result["consensus"]["agree"]]
    assert all(group["representative"] for group in result["groups"])
    # The math state is stored and handed back next time.
    assert opinion_map.state["in_map"] and opinion_map.n_votes == result["n_votes"]


def test_state_is_passed_back_in(organization, monkeypatch):
    conversation = ConversationFactory(organization=organization)
    planted(conversation)
    maps.map_compute(conversation.pk)
    first = OpinionMap.objects.get(conversation=conversation).state
    seen = {}
    from xieshang.deliberation import math

    original = math.compute_opinion_map

    def spy(*args, **kwargs):
        seen["state"] = kwargs.get("state")
        return original(*args, **kwargs)

    monkeypatch.setattr(math, "compute_opinion_map", spy)
    maps.map_compute(conversation.pk)
    assert seen["state"] == first


def test_at_most_one_recomputation_pending(organization, django_capture_on_commit_callbacks):
    conversation = ConversationFactory(organization=organization)
    statements, _truth = planted(conversation, n_participants=10)
    resident = make_user(Role.CITIZEN, organization)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.vote_cast(actor=resident, statement=statements[0], value=1)
        services.vote_cast(actor=resident, statement=statements[1], value=1)
        services.vote_cast(actor=resident, statement=statements[2], value=-1)
    # One recomputation; the others are the kept pages' generations moving at commit (core.generations.watch).
    assert len([c for c in callbacks if c.__module__ != "xieshang.core.generations"]) == 1
    assert OpinionMap.objects.get(conversation=conversation).pending


def test_moderating_out_changes_the_map(organization, django_capture_on_commit_callbacks):
    conversation = ConversationFactory(organization=organization)
    statements, _truth = planted(conversation)
    staff = make_user(Role.COMMITTEE_STAFF, organization)
    maps.map_compute(conversation.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.statement_moderate(actor=staff, statement=statements[0], approve=False)
    result = OpinionMap.objects.get(conversation=conversation).result
    assert 0 not in [item["statement"] for item in result["consensus"]["agree"]]


def test_empty_conversation_computes_an_empty_map(organization):
    conversation = ConversationFactory(organization=organization)
    opinion_map = maps.map_compute(conversation.pk)
    assert opinion_map.result["k"] == 0 and opinion_map.computed_at is not None


def test_compute_reads_votes_in_a_constant_number_of_queries(organization):
    counts = []
    for n in (10, 60):
        conversation = ConversationFactory(organization=organization)
        planted(conversation, n_participants=n)
        with CaptureQueriesContext(connection) as queries:
            maps.map_compute(conversation.pk)
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 12
