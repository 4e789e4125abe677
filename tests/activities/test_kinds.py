"""Kinds of activity as data the organization edits on a page (not the admin): a new kind with its fields and points
(its duty rules created), a platform kind edited into the organization's own row with its points as a new rule
version from the year chosen (earlier years keep theirs), bad input refused beside its field with nothing written,
members kept out."""

import pytest
from django.utils import timezone

from tests.workflow.conftest import verified_login
from xieshang.activities.models import ActivityKind
from xieshang.audit.models import AuditEntry
from xieshang.duties.models import DutyRule
from xieshang.duties.selectors import rule_for

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


def _form(**overrides):
    data = {
        "key": "flood_control",
        "name": "防汛督导",
        "order": "15",
        "uses_group": "on",
        "uses_visits": "on",
        "checkin_before_minutes": "30",
        "checkin_after_minutes": "60",
        "points": "3",
        "leader_points": "4.5",
        "year": str(YEAR),
        "is_active": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_staff_add_a_kind_with_its_fields_and_points(client, staff, organization):
    verified_login(client, staff)
    assert client.get("/activities/kinds/").status_code == 200
    response = client.post("/activities/kinds/new/", _form())
    assert response.status_code == 302
    kind = ActivityKind.objects.get(organization=organization, key="flood_control")
    assert (kind.name, kind.uses_group, kind.uses_visits, kind.uses_report, kind.checkin_before_minutes) == (
        "防汛督导", True, True, False, 30,
    )  # fmt: skip
    assert rule_for(organization, "activity_flood_control", YEAR).points == 3
    assert rule_for(organization, "activity_flood_control_lead", YEAR).points == 4.5
    body = client.get("/activities/kinds/").content.decode()
    assert "防汛督导" in body and "4.5" in body
    # The new kind is offered when an activity is planned.
    assert "防汛督导" in client.get("/activities/new/").content.decode()
    assert AuditEntry.objects.filter(action="activities.kind_save").count() == 1


def test_editing_a_platform_kind_makes_the_organizations_own_row_and_a_new_points_version(client, staff, organization):
    verified_login(client, staff)
    platform = ActivityKind.objects.get(organization=None, key="research")
    before = rule_for(organization, "activity_research", YEAR - 1)
    data = _form(
        key=None,
        name="专题调研",
        points="6",
        leader_points=str(rule_for(organization, "activity_research_lead").points),
    )
    response = client.post("/activities/kinds/research/", data)
    assert response.status_code == 302
    own = ActivityKind.objects.get(organization=organization, key="research")
    platform.refresh_from_db()
    assert own.name == "专题调研" and platform.name == "调研"  # the platform's row is everyone else's
    assert rule_for(organization, "activity_research", YEAR).points == 6
    assert rule_for(organization, "activity_research", YEAR - 1) == before  # an earlier year keeps its points
    assert not DutyRule.objects.filter(organization=organization, key="activity_research_lead").exists()  # unchanged


@pytest.mark.parametrize(
    ("overrides", "field_message"),
    [
        ({"name": ""}, "请填写名称"),
        ({"points": "abc"}, "请填写数字"),
        ({"leader_points": "1.25"}, "最多一位小数"),
        ({"checkin_before_minutes": "5000"}, "0 至 1440"),
        ({"key": "Flood Control!"}, "小写字母"),
        ({"key": "research"}, "已被使用"),
    ],
)
def test_bad_input_is_refused_beside_its_field_and_nothing_is_written(
    client, staff, organization, overrides, field_message
):
    verified_login(client, staff)
    rules_before = DutyRule.objects.count()
    response = client.post("/activities/kinds/new/", _form(**overrides))
    body = response.content.decode()
    assert response.status_code == 400 and field_message in body
    assert 'value="防汛督导"' in body or overrides.get("name") == ""  # what was typed is kept
    assert not ActivityKind.objects.filter(organization=organization).exists()
    assert DutyRule.objects.count() == rules_before


def test_members_cannot_edit_kinds(client, member):
    client.force_login(member)
    assert client.get("/activities/kinds/").status_code == 403
    assert client.post("/activities/kinds/new/", _form()).status_code == 403
