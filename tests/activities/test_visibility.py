"""Who sees an activity and who runs it are written once (activities/visibility.py: ACTIVITY, ORGANIZER,
PARTICIPANT). Property: for a random actor × state × relation the list filter (selectors.activities_for_user), the
permission ("activities.view_activity", and the page's read, selectors.get_activity_for_user) and the spec's
readers agree with what the relation says; the organizer's permissions (on the activity and on a participation)
and a member's own participation follow the same relations."""

import pytest
import rules
from django.http import Http404
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import make_user
from xieshang.accounts.models import Role
from xieshang.accounts.visibility import agree
from xieshang.activities import selectors, services
from xieshang.activities.models import Activity, Participation
from xieshang.activities.visibility import ACTIVITY

from .conftest import make_activity

pytestmark = pytest.mark.django_db

ACTORS = ["staff", "member", "resident", "foreign_staff", "foreign_member"]
STATES = list(Activity.State.values)
RELATIONS = ["none", *(f"invited:{s}" for s in Participation.Status.values)]


class World:
    pass


@pytest.fixture
def world(staff, organization, other_organization, kind, member):
    w = World()
    w.organization, w.staff, w.member = organization, staff, member
    w.resident = make_user(Role.CITIZEN, organization, username="resident")
    w.foreign_staff = make_user(Role.COMMITTEE_STAFF, other_organization, username="foreign_staff")
    w.foreign_member = make_user(Role.MEMBER, other_organization, username="foreign_member")
    w.activity = make_activity(staff, organization, kind)
    # Someone else's participation, on which the actor may act only as organizer.
    w.other = services.activity_invite(
        actor=staff, activity=w.activity, members=[make_user(Role.MEMBER, organization)]
    )[0]
    return w


def _fresh(user):
    return type(user).objects.get(pk=user.pk)


def _arrange(w, state, actor, relation):
    Activity.objects.filter(pk=w.activity.pk).update(state=state)
    Participation.objects.filter(activity=w.activity).exclude(pk=w.other.pk).delete()
    kind, _, status = relation.partition(":")
    mine = None
    if kind == "invited":
        mine = Participation.objects.create(
            activity=w.activity, organization=w.organization, member=actor, status=status
        )
    return Activity.objects.select_related("kind").get(pk=w.activity.pk), mine


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actor=st.sampled_from(ACTORS), state=st.sampled_from(STATES), relation=st.sampled_from(RELATIONS))
def test_list_permission_and_readers_agree(world, actor, state, relation):
    w = world
    user = _fresh(getattr(w, actor))
    activity, mine = _arrange(w, state, user, relation)

    organizer = actor == "staff"
    sees = organizer or (relation != "none" and state != Activity.State.PLANNED)

    assert agree(ACTIVITY, _fresh(user), activity, Activity.objects.all()) == (sees, sees, sees)
    assert rules.has_perm("activities.view_activity", _fresh(user), activity) is sees
    assert selectors.activities_for_user(_fresh(user), w.organization).filter(pk=activity.pk).exists() is sees
    try:
        selectors.get_activity_for_user(_fresh(user), w.organization, activity.pk)
        opened = True
    except Http404:
        opened = False
    assert opened is sees

    # The organizer runs the activity and decides on anyone's participation; a member acts on their own only.
    assert rules.has_perm("activities.change_activity", _fresh(user), activity) is organizer
    assert rules.has_perm("activities.decide_leave", _fresh(user), w.other) is organizer
    assert not rules.has_perm("activities.sign_up", _fresh(user), w.other)
    if mine is not None:
        assert rules.has_perm("activities.sign_up", _fresh(user), mine)
        assert rules.has_perm("activities.record_amounts", _fresh(user), mine) is organizer
