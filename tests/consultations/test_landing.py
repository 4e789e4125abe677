"""The portal's landing page (`/` for a visitor): what is being consulted now, open calls, outcomes and their
progress, rooms near the visitor, replies to proposals; one portal per organization, the city's rolling up its
districts'; served from the cache until a shown record changes."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.consultations.conftest import advance
from tests.factories import CommunityFactory, OrganizationFactory
from xieshang.consultations import services

pytestmark = pytest.mark.django_db


def _approved(staff, organization, title, days=10):
    c = services.consultation_create(
        actor=staff,
        organization=organization,
        kind="bimonthly",
        title=title,
        planned_date=datetime.date.today() + datetime.timedelta(days=days),
        venue="市政协",
    )
    return advance({"propose": staff, "approve": staff}, c, "propose", "approve")


def _section(page: str, testid: str) -> str:
    start = page.index(f'data-testid="{testid}"')
    return page[start : page.index("</ul>", start)]


def test_a_visitor_sees_what_is_consulted_now_and_the_rooms_near_him(client, organization, staff, convener):
    approved = _approved(staff, organization, "加快老旧小区改造")
    services.consultation_create(
        actor=staff, organization=organization, kind="bimonthly", title="只在计划中的协商",
        planned_date=datetime.date.today() + datetime.timedelta(days=90), venue="市政协",
    )  # fmt: skip
    jinshui = CommunityFactory(organization=organization, name="黄河路社区", district="金水区")
    erqi = CommunityFactory(organization=organization, name="大学路社区", district="二七区")
    services.room_create(actor=staff, community=jinshui, convener=convener)
    services.room_create(actor=staff, community=erqi, convener=convener)

    page = client.get("/").content.decode()
    now = _section(page, "landing-now")
    assert approved.title in now and approved.get_public_url() in now
    assert "只在计划中的协商" not in now  # not yet approved: not "being consulted"
    rooms = _section(page, "landing-rooms")
    assert "黄河路社区" in rooms and "大学路社区" in rooms

    near = client.get("/", {"district": "金水区"}).content.decode()
    rooms = _section(near, "landing-rooms")
    assert "黄河路社区" in rooms and "大学路社区" not in rooms
    # An unknown district is ignored, not an error.
    assert client.get("/", {"district": "<script>"}).status_code == 200


def test_the_city_portal_rolls_up_its_districts_and_a_district_has_its_own(client, organization, staff, settings):
    district = OrganizationFactory(name="金水区政协", short_name="金水区", code="jinshui", level="district",
                                   parent=organization)  # fmt: skip
    from tests.factories import make_user
    from xieshang.accounts.models import Role

    district_staff = make_user(Role.COMMITTEE_STAFF, district, username="jinshui_staff")
    _approved(staff, organization, "全市协商议题")
    _approved(district_staff, district, "金水区协商议题")

    city = _section(client.get("/").content.decode(), "landing-now")
    assert "全市协商议题" in city and "金水区协商议题" in city
    own = client.get("/", {"org": "jinshui"}).content.decode()
    assert "金水区协商议题" in _section(own, "landing-now") and "全市协商议题" not in _section(own, "landing-now")
    assert "金水区政协" in own
    settings.XIESHANG_PORTAL_DEFAULT = "jinshui"  # a deployment's own conference at "/"
    assert "全市协商议题" not in _section(client.get("/").content.decode(), "landing-now")


def test_open_calls_and_outcomes_with_their_progress(
    client, organization, staff, room, convener, resident, officer, unit
):
    consultation = _approved(staff, organization, "停车难问题协商")
    services.call_open(
        actor=staff, consultation=consultation, question="您所在小区停车难吗？", kind="opinions",
        opens_at=timezone.now() - datetime.timedelta(hours=1), closes_at=timezone.now() + datetime.timedelta(days=5),
        moderation="pre",
    )  # fmt: skip
    topic = services.topic_raise(actor=resident, room=room, title="小区路灯不亮")
    services.topic_prepare(actor=convener, topic=topic, participants=[resident], form="online")
    topic = advance({"hold": convener}, topic, "hold")
    outcome = services.topic_outcome_add(actor=convener, topic=topic, title="更换小区路灯", owner_unit=unit)
    advance({"agree": convener}, topic, "agree")
    outcome = advance({"send": convener, "adopt": officer, "implement": officer}, outcome, "send", "adopt", "implement")
    services.progress_add(actor=officer, outcome=outcome, text="已完成选型", percent=40)

    page = client.get("/").content.decode()
    assert "您所在小区停车难吗？" in _section(page, "landing-calls")
    outcomes = _section(page, "landing-outcomes")
    assert "更换小区路灯" in outcomes and 'value="40"' in outcomes and room.get_public_url() in outcomes
    assert unit.name in outcomes
    assert resident.display_name not in page  # residents' names never appear on the portal


def test_served_from_the_cache_until_a_shown_record_changes(client, organization, staff):
    _approved(staff, organization, "第一个议题")
    client.get("/")
    with CaptureQueriesContext(connection) as ctx:
        page = client.get("/").content.decode()
    assert len(ctx) == 0, [q["sql"] for q in ctx]  # the organizations and the sections come from the cache
    assert "第一个议题" in page
    _approved(staff, organization, "第二个议题")
    assert "第二个议题" in _section(client.get("/").content.decode(), "landing-now")
    organization.name = "改名后的市政协"
    organization.save()
    assert "改名后的市政协" in client.get("/").content.decode()
