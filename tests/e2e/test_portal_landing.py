"""Browser test of the portal's landing page as a visitor meets it on a phone, in both languages: what is being
consulted now (the city's with its districts'), open calls, the rooms of the visitor's district, the portal of one
district, and a consultation's public page from there."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.consultations.conftest import advance
from tests.e2e.test_announcements import LANGUAGES, tr
from tests.factories import CommunityFactory, OrganizationFactory, make_user
from xieshang.accounts.models import Role
from xieshang.consultations import services


def _approved(staff, organization, title):
    c = services.consultation_create(
        actor=staff,
        organization=organization,
        kind="bimonthly",
        title=title,
        planned_date=datetime.date.today() + datetime.timedelta(days=14),
        venue="市政协",
    )
    return advance({"propose": staff, "approve": staff}, c, "propose", "approve")


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_visitor_finds_what_is_consulted_now_and_the_rooms_near_him(phone_page, organization, axe, language):
    def t(text, **values):
        return tr(language, text, **values)

    page = phone_page
    district = OrganizationFactory(
        name="金水区政协", short_name="金水区", code="jinshui", level="district", parent=organization
    )
    staff = make_user(Role.COMMITTEE_STAFF, organization, username="city_staff")
    district_staff = make_user(Role.COMMITTEE_STAFF, district, username="district_staff")
    convener = make_user(Role.CITIZEN, organization, username="convener")
    city_topic = _approved(staff, organization, "推进城市更新协商")
    _approved(district_staff, district, "金水区背街小巷整治协商")
    services.call_open(
        actor=staff,
        consultation=city_topic,
        question="城市更新，您最关心什么？",
        kind="opinions",
        opens_at=timezone.now() - datetime.timedelta(hours=1),
        closes_at=timezone.now() + datetime.timedelta(days=7),
        moderation="pre",
    )
    for name, where in (("黄河路社区", "金水区"), ("大学路社区", "二七区")):
        community = CommunityFactory(organization=organization, name=name, district=where)
        services.room_create(actor=staff, community=community, convener=convener)

    page.goto("/")
    if language == "en":
        page.get_by_test_id("menu-toggle").click()
        page.get_by_test_id("language").click()
    now = page.get_by_test_id("landing-now")
    expect(now).to_contain_text("推进城市更新协商")
    expect(now).to_contain_text("金水区背街小巷整治协商")  # the city's portal rolls up its districts'
    expect(page.get_by_test_id("landing-calls")).to_contain_text("城市更新，您最关心什么？")
    expect(page.get_by_role("heading", name=t("正在协商"))).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe(page) == []

    # The portal's search: what is public, found by its words.
    page.get_by_label(t("检索公开内容")).fill("城市更新")
    page.get_by_test_id("landing-search").get_by_role("button", name=t("查找")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(t("检索公开内容"))
    expect(page.locator("#search-results")).to_contain_text("推进城市更新协商")
    expect(page.locator("#search-results")).not_to_contain_text("金水区背街小巷整治协商")
    assert axe(page) == []
    page.go_back()

    # The rooms of my district: the choice submits itself and the page says whose rooms these are.
    page.get_by_label(t("我所在的区县")).select_option("金水区")
    rooms = page.get_by_test_id("landing-rooms")
    expect(page.get_by_role("heading", name=t("%(d)s的协商议事室", d="金水区"))).to_be_visible()
    expect(rooms).to_contain_text("黄河路社区")
    expect(rooms).not_to_contain_text("大学路社区")

    # One district's own portal.
    page.get_by_label(t("看哪一级政协")).select_option("jinshui")
    now = page.get_by_test_id("landing-now")
    expect(now).to_contain_text("金水区背街小巷整治协商")
    expect(now).not_to_contain_text("推进城市更新协商")
    expect(page.get_by_role("heading", level=1)).to_contain_text("金水区政协")

    # From the landing page to the consultation's public page.
    now.get_by_role("link", name="金水区背街小巷整治协商").click()
    expect(page.locator("main")).to_contain_text("金水区背街小巷整治协商")
    assert axe(page) == []
