"""Pages of groups, visits, the expert pool and studios with the test client: forms keep what was typed, the
visit's recommendation appears as a tracked outcome, a resident books a slot, a member on duty turns an issue."""

import datetime

import pytest
from django.utils import timezone

from tests.accounts.test_isolation import _verified_login
from tests.factories import HandlingUnitFactory, make_user
from xieshang.accounts.models import Role
from xieshang.activities import selectors, services
from xieshang.activities.models import ActivityGroup, ActivityKind, Booking, Studio, Visit
from xieshang.consultations.models import Outcome
from xieshang.proposals.models import Proposal

from .conftest import make_activity

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervision(staff, organization):
    return make_activity(staff, organization, ActivityKind.objects.get(organization=None, key="supervision"))


def test_group_and_visit_forms(client, staff, organization, supervision, member, member_b):
    unit = HandlingUnitFactory(organization=organization, name="市水利局")
    _verified_login(client, staff)
    page = client.get(supervision.get_absolute_url()).content.decode()
    assert 'data-testid="group-new"' in page and 'data-testid="visit-new"' in page
    response = client.post(f"/activities/{supervision.pk}/groups/new/", {"name": "第一督导组", "plan": "督导金水区"})
    assert response.status_code == 400 and "请选择组长" in response.content.decode()
    assert "督导金水区" in response.content.decode()
    client.post(
        f"/activities/{supervision.pk}/groups/new/",
        {"name": "第一督导组", "leader": member.pk, "members": [member_b.pk]},
    )
    group = ActivityGroup.objects.get()
    visited = timezone.localtime() - datetime.timedelta(hours=3)
    data = {
        "group": group.pk,
        "place": "贾鲁河综合治理工程",
        "visited_at": visited.strftime("%Y-%m-%dT%H:%M"),
        "led_by": member.pk,
        "findings": "",
        "title": "汛前完成剩余河段清淤",
        "owner_unit": unit.pk,
    }
    response = client.post(f"/activities/{supervision.pk}/visits/new/", data)
    assert response.status_code == 400 and "贾鲁河综合治理工程" in response.content.decode()
    assert not Visit.objects.exists()
    data["findings"] = "部分河段清淤未完成。"
    response = client.post(f"/activities/{supervision.pk}/visits/new/", data)
    visit = Visit.objects.get()
    assert response["Location"] == visit.get_absolute_url()
    page = client.get(visit.get_absolute_url()).content.decode()
    outcome = Outcome.objects.get()
    assert outcome.get_absolute_url() in page and "市水利局" in page
    outcome_page = client.get(outcome.get_absolute_url()).content.decode()
    assert visit.get_absolute_url() in outcome_page


def test_members_cannot_record_visits(client, supervision, member):
    client.force_login(member)
    assert client.get(f"/activities/{supervision.pk}/visits/new/").status_code in (403, 404)
    assert client.get("/activities/experts/").status_code == 403


def test_expert_pool_page(client, staff):
    _verified_login(client, staff)
    response = client.post("/activities/experts/", {"name": "王教授", "field": ""})
    assert response.status_code == 400 and 'value="王教授"' in response.content.decode()
    client.post("/activities/experts/", {"name": "王教授", "field": "水利工程"})
    assert "水利工程" in client.get("/activities/experts/").content.decode()


def test_studio_reception_booking_and_issue(client, staff, organization, member):
    _verified_login(client, staff)
    client.post("/activities/studios/", {"name": "金水区委员工作室", "place": "文化路街道", "members": [member.pk]})
    studio = Studio.objects.get()
    starts = timezone.localtime().replace(minute=0, second=0, microsecond=0) + datetime.timedelta(days=2)
    client.post(
        studio.get_absolute_url(),
        {
            "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (starts + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "on_duty": [member.pk],
            "slot_minutes": "30",
            "per_slot": "1",
        },
    )
    reception = studio.receptions.get()
    client.logout()
    resident = make_user(Role.CITIZEN, organization, username="resident", name="周居民")
    client.force_login(resident)
    response = client.post(f"/activities/receptions/{reception.pk}/book/", {"slot_at": "", "subject": "加装电梯"})
    assert response.status_code == 400 and "加装电梯" in response.content.decode()
    slot = selectors.slots_of(reception)[0]
    client.post(f"/activities/receptions/{reception.pk}/book/", {"slot_at": slot.isoformat(), "subject": "加装电梯"})
    booking = Booking.objects.get()
    assert booking.resident == resident and "您已预约" in client.get(reception.get_absolute_url()).content.decode()
    client.logout()
    client.force_login(member)
    client.post(
        f"/activities/receptions/{reception.pk}/issues/",
        {
            "title": "老旧小区加装电梯",
            "text": "六层无电梯，老年住户多，希望协调加装电梯的资金分摊和审批手续。",
            "booking": booking.pk,
        },
    )
    issue = reception.issues.get()
    client.post(f"/activities/issues/{issue.pk}/turn/", {"into": "proposal"})
    issue.refresh_from_db()
    proposal = Proposal.objects.get()
    assert issue.linked == proposal and proposal.submitter == member
    assert proposal.get_absolute_url() in client.get(reception.get_absolute_url()).content.decode()


def test_a_task_force_has_research_groups_with_experts_and_a_plan(client, staff, organization, member, member_b):
    task_force = make_activity(
        staff, organization, ActivityKind.objects.get(organization=None, key="task_force"), title="“设计郑州”专班"
    )
    expert = services.expert_add(
        actor=staff, organization=organization, name="王建国", field="城市规划", title="教授", unit="郑州大学"
    )
    _verified_login(client, staff)
    page = client.get(task_force.get_absolute_url()).content.decode()
    assert 'data-testid="group-new"' in page and 'data-testid="visit-new"' not in page
    client.post(
        f"/activities/{task_force.pk}/groups/new/",
        {
            "name": "城市更新研究组",
            "leader": member.pk,
            "members": [member_b.pk],
            "experts": [expert.pk],
            "plan": "三月完成现状调研，五月形成研究报告初稿，六月提交专班会议审议。",
        },
    )
    page = client.get(task_force.get_absolute_url()).content.decode()
    assert "城市更新研究组" in page and "王建国（城市规划）" in page and "五月形成研究报告初稿" in page
