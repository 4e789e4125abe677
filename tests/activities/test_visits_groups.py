"""Supervision and survey visits, their recommendations tracked as consultation outcomes; groups and the expert
pool (issue #13)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.activities.conftest import make_activity
from tests.factories import HandlingUnitFactory, make_user
from xieshang.accounts.models import Role, RoleGrant
from xieshang.activities import services
from xieshang.activities.models import ActivityKind, Participation, Visit
from xieshang.consultations import selectors as consultation_selectors
from xieshang.consultations import services as consultation_services
from xieshang.consultations.models import Outcome
from xieshang.workflow.selectors import state_has


@pytest.fixture
def supervision(staff, organization):
    kind = ActivityKind.objects.get(organization=None, key="supervision")
    return make_activity(staff, organization, kind, title="防汛工作专项督导")


@pytest.fixture
def unit(organization):
    return HandlingUnitFactory(organization=organization, name="市水利局")


def _visit(staff, activity, member, unit, **kwargs):
    fields = {
        "place": "贾鲁河综合治理工程",
        "visited_at": timezone.now() - datetime.timedelta(hours=2),
        "led_by": member,
        "findings": "部分河段清淤未完成，应急物资储备点台账与实物不符。",
        "recommendations": [
            services.Recommendation("汛前完成剩余河段清淤", "在6月15日前完成，并组织验收。", owner_unit=unit)
        ],
    }
    fields.update(kwargs)
    return services.visit_record(actor=staff, activity=activity, **fields)


def test_kinds_that_record_visits(db):
    keys = set(ActivityKind.objects.filter(organization=None, uses_visits=True).values_list("key", flat=True))
    assert keys == {"inspection", "research", "supervision"}


def test_a_visit_tracks_its_recommendation_as_an_outcome(supervision, staff, member, unit):
    visit = _visit(staff, supervision, member, unit)
    outcome = Outcome.objects.get()
    assert outcome.origin == visit and outcome.source == Outcome.Source.VISIT
    assert outcome.owner_unit == unit and outcome.organization_id == supervision.organization_id
    assert list(consultation_selectors.outcomes_of_origins([visit])) == [outcome]
    # The work report counts visits ("督导指导68次") on the visit's day, per supervision kind.
    from xieshang.core import figures

    day = timezone.localdate(visit.visited_at)
    assert figures.get("supervision_visits").value(visit.organization_id, day, day) == 1
    assert figures.get("survey_visits").value(visit.organization_id, day, day) == 0
    # It runs the outcome workflow: staff send it to the bureau, whose officer adopts it.
    consultation_services.outcome_transition(actor=staff, outcome=outcome, key="send")
    officer = make_user(Role.UNIT_OFFICER, supervision.organization, username="officer")
    RoleGrant.objects.filter(user=officer).update(handling_unit=unit)
    consultation_services.outcome_transition(actor=officer, outcome=outcome, key="adopt")
    outcome.refresh_from_db()
    assert state_has(outcome, "implementing")


def test_a_bad_recommendation_saves_no_visit(supervision, staff, member):
    with pytest.raises(ValidationError) as exc:
        _visit(staff, supervision, member, None, recommendations=[services.Recommendation("清淤")])
    assert "owner_unit" in exc.value.message_dict
    assert not Visit.objects.exists() and not Outcome.objects.exists()


def test_visit_refuses_bad_input_by_field(supervision, staff, member, unit, organization):
    outsider = make_user(Role.CITIZEN, organization, username="resident")
    with pytest.raises(ValidationError) as exc:
        _visit(
            staff,
            supervision,
            outsider,
            unit,
            place="",
            findings="",
            visited_at=timezone.now() + datetime.timedelta(days=1),
        )
    assert set(exc.value.message_dict) == {"place", "findings", "visited_at", "led_by"}


def test_only_staff_record_visits_and_only_where_the_kind_uses_them(supervision, staff, member, unit, organization):
    with pytest.raises(PermissionDenied):
        _visit(member, supervision, member, unit)
    training = make_activity(staff, organization, ActivityKind.objects.get(organization=None, key="training"))
    with pytest.raises(ValidationError, match="不记录走访"):
        _visit(staff, training, member, unit)


def test_a_group_invites_its_leader_and_members(supervision, staff, member, member_b, organization):
    expert = services.expert_add(actor=staff, organization=organization, name="王教授", field="水利工程")
    group = services.group_create(
        actor=staff,
        activity=supervision,
        name="第一督导组",
        leader=member,
        members=[member_b],
        experts=[expert],
        plan="督导金水区、惠济区防汛工作。",
    )
    parts = dict(supervision.participations.values_list("member_id", "part"))
    assert parts == {member.pk: Participation.Part.LEADER, member_b.pk: Participation.Part.MEMBER}
    assert list(group.experts.all()) == [expert]
    with pytest.raises(ValidationError) as exc:
        services.group_create(actor=staff, activity=supervision, name="第一督导组", leader=None)
    assert set(exc.value.message_dict) == {"name", "leader"}


def test_experts_of_another_organization_are_refused(supervision, staff, member, other_organization):
    other_staff = make_user(Role.COMMITTEE_STAFF, other_organization, username="kfstaff")
    foreign = services.expert_add(actor=other_staff, organization=other_organization, name="李研究员", field="规划")
    with pytest.raises(ValidationError) as exc:
        services.group_create(actor=staff, activity=supervision, name="研究组", leader=member, experts=[foreign])
    assert "experts" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.expert_add(actor=member, organization=supervision.organization, name="张", field="法律")
