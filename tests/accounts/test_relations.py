"""A relation written once (accounts.relations.Relation) is read three ways: the engine's relational role (test and
members), the django-rules predicate and, when built from audiences, the audiences of a visibility spec. Proven over
the template app's relations (tests/workflow/testapp/visibility.py: SUBMITTER, CO_HANDLER) for random actors and
relations, and for the Relation's own parts (subject, through, derived members)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from hypothesis import HealthCheck, given, settings

from tests.workflow.testapp.models import Ticket
from tests.workflow.testapp.visibility import CO_HANDLER, SUBMITTER
from xieshang.accounts.models import Role
from xieshang.accounts.relations import Relation
from xieshang.accounts.visibility import OrgRoles, UnitField, UserField
from xieshang.proposals import roles as proposal_roles
from xieshang.workflow import registry

from .test_visibility import Rollback, World, actor_for, arrange, cases, world  # noqa: F401 (the fixture)

MODEL = "workflow_testapp.Ticket"


def readings(relation, user, ticket):
    """(engine role, rules predicate, audiences, among the members) for one user and ticket."""
    role = registry.relational_role(MODEL, relation.name)
    member = getattr(user, "pk", None) in {u.pk for u in relation.members(ticket)}
    by_audiences = any(a.holds(user, ticket) for a in relation.audiences)
    return role.check(user, ticket), relation.predicate.test(user, ticket), by_audiences, member


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=cases(["submitter", "nobody", "own:member", "other:member", "officer:a1"]))
def test_engine_role_predicate_audiences_and_members_agree(world, case):  # noqa: F811
    case["inactive"] = False  # the engine is asked about people who act (an inactive account cannot sign in)
    if case["actor"] == "anonymous":
        case["actor"] = "nobody"
    for relation in (SUBMITTER, CO_HANDLER):
        try:
            with transaction.atomic():
                ticket = arrange(world, case)
                user = actor_for(world, case["actor"], False)
                found = readings(relation, user, ticket)
                raise Rollback(found)
        except Rollback as done:
            found = done.args[0]
        expected = case["actor"] == "submitter" if relation is SUBMITTER else case["co_handler"]
        assert found == (expected,) * 4, (relation, case, found)


@pytest.mark.django_db
def test_predicate_refuses_without_object_or_signed_in_user(world):  # noqa: F811
    ticket = Ticket.objects.get(pk=world.ticket.pk)
    assert not SUBMITTER.predicate.test(world.submitter, None)
    assert not SUBMITTER.predicate.test(AnonymousUser(), ticket)
    assert SUBMITTER.predicate.test(world.submitter, ticket)


@pytest.mark.django_db
def test_subject_through_and_derived_members(world):  # noqa: F811
    ticket = Ticket.objects.get(pk=world.ticket.pk)

    class Note:  # a row of the ticket: the permission is asked about it, the relation reads its ticket
        def __init__(self, ticket):
            self.ticket = ticket

    of_ticket = Relation("submitter", UserField("submitter_id"), subject=lambda obj: getattr(obj, "ticket", obj))
    assert of_ticket.predicate.test(world.submitter, Note(ticket))
    assert of_ticket.members(Note(ticket)) == [world.submitter]
    # Read from a related object: the lookup path gives both the SQL condition and the test.
    (via,) = of_ticket.through("ticket")
    assert via.attname == "ticket__submitter_id" and via.holds(world.submitter, Note(ticket))
    # Members derived from the audiences: named users, the active officers of named units, holders of named roles.
    unit = world.units["a1"]
    ticket.submitter_id, ticket.unit_id = world.submitter.pk, unit.pk
    officers = Relation("officers", UnitField("unit_id"))
    assert {u.pk for u in officers.members(ticket)} == {world.actors["officer:a1"]}
    staff = Relation("staff", OrgRoles(Role.PROPOSALS_STAFF))
    assert staff.members(ticket) == []  # roles of the object's organization name nobody by themselves
    with pytest.raises(TypeError):
        Relation("both", UserField("submitter_id"), test=lambda user, obj: True)
    with pytest.raises(TypeError):
        OrgRoles(Role.LEADER).through("ticket")


def test_each_domain_registers_its_relations_not_a_second_test():
    """The engine's role is the Relation's own test: a domain that wrote the role again beside its rules fails."""
    for relation in proposal_roles.RELATIONS:
        assert registry.relational_role("proposals.Proposal", relation.name).check == relation.test
