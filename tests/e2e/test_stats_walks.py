"""The statistics face in the browser, from the workbench's menu through the real forms, in both languages:
- staff keep the 办实事 ledger: a refused form keeps what was typed, the matter then counts in the work report and
  appears in its drill-down;
- the city's figures beside its districts' (the roll-up page);
- anyone downloads a year's open data from the home page, and the test opens the zip (README and a CSV);
- a leader drills from the dashboard's tile map of districts into the records, in care mode and on a phone."""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.test_opinions import _staff_login
from tests.factories import OrganizationFactory, make_user
from xieshang.accounts.models import Organization, Role
from xieshang.registers import services
from xieshang.stats.models import DashboardLayout

EN = {
    "办实事台账": "Practical matters",
    "年度工作报告数据": "Work report figures",
    "数据驾驶舱": "Data dashboard",
}


def _t(text, lang):
    return text if lang == "zh-hans" else EN[text]


def _english(page):
    page.get_by_test_id("language").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


@pytest.fixture
def staff(transactional_db, organization):
    return make_user(Role.COMMITTEE_STAFF, organization, username="committee", name="研究室")


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_staff_record_a_matter_keep_their_text_when_refused_and_find_it_in_the_report(page, staff, lang):
    today = timezone.localdate()
    _staff_login(page, staff)
    if lang == "en":
        _english(page)
    page.get_by_role("navigation").get_by_role("link", name=_t("办实事台账", lang)).first.click()
    form = page.get_by_test_id("matter-form")
    if not form.is_visible():
        page.locator("details:has([data-testid=matter-form]) > summary").click()
    title = "为金水路12号院加装无障碍坡道"
    form.get_by_label("事项" if lang == "zh-hans" else "Item").fill(title)
    form.get_by_label("地点或社区" if lang == "zh-hans" else "Place or community").fill("金水路")
    form.get_by_label("办结日期" if lang == "zh-hans" else "Done on").fill("2999-01-01")
    form.get_by_role("button").click()
    form = page.get_by_test_id("matter-form")
    expect(form).to_contain_text("不能晚于今天" if lang == "zh-hans" else "later than today")
    expect(form.get_by_label("事项" if lang == "zh-hans" else "Item")).to_have_value(title)
    expect(form.get_by_label("地点或社区" if lang == "zh-hans" else "Place or community")).to_have_value("金水路")
    form.get_by_label("办结日期" if lang == "zh-hans" else "Done on").fill(today.isoformat())
    form.get_by_role("button").click()
    expect(page.get_by_test_id("matters")).to_contain_text(title)

    page.get_by_role("navigation").get_by_role("link", name=_t("年度工作报告数据", lang)).first.click()
    row = page.locator('[data-figure="matters_done_for_residents"]')
    row.get_by_role("link", name="1", exact=True).click()
    expect(page.get_by_test_id("total")).to_contain_text("1")
    expect(page.get_by_test_id("records")).to_contain_text(title)


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_the_city_reads_its_figures_beside_its_districts(page, staff, organization, lang):
    today = timezone.localdate()
    district = OrganizationFactory(
        name="金水区政协", short_name="金水区", code="jinshui", level=Organization.Level.DISTRICT, parent=organization
    )
    services.record_matter(staff, organization, title="市级的实事", done_on=today)
    for title in ("区里的实事一", "区里的实事二"):
        services.record_matter(make_user(Role.COMMITTEE_STAFF, district), district, title=title, done_on=today)
    _staff_login(page, staff)
    if lang == "en":
        _english(page)
    page.get_by_role("navigation").get_by_role("link", name=_t("年度工作报告数据", lang)).first.click()
    page.get_by_role(
        "link", name="本级与各区县汇总" if lang == "zh-hans" else "This conference and its districts"
    ).click()
    table = page.get_by_test_id("districts")
    expect(table.get_by_role("columnheader", name="金水区")).to_be_visible()
    cells = table.locator('[data-figure="matters_done_for_residents"] td')
    expect(cells).to_have_text(["1", "2", "3"])
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "本级与各区县汇总" if lang == "zh-hans" else "This conference and its districts"
    )


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_anyone_downloads_a_year_of_open_data_and_reads_it(page, organization, lang):
    from tests.consultations.conftest import advance
    from xieshang.consultations import services as consultations

    staff = make_user(Role.COMMITTEE_STAFF, organization, username="committee")
    c = consultations.consultation_create(
        actor=staff,
        organization=organization,
        title="推进老旧小区改造专题协商",
        planned_date=datetime.date.today(),
        venue="市政协",
        kind="bimonthly",
    )
    advance({"propose": staff, "approve": staff}, c, "propose", "approve")
    year = timezone.localdate().year
    page.goto("/")
    if lang == "en":
        _english(page)
    page.get_by_test_id("home-public-links").get_by_role(
        "link", name="公开数据下载" if lang == "zh-hans" else "Open data"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("公开数据下载" if lang == "zh-hans" else "Open data")
    files = page.get_by_test_id(f"open-data-{organization.code}")
    with page.expect_download() as info:
        files.get_by_role(
            "link", name=f"{year} 年公开数据（zip）" if lang == "zh-hans" else f"Open data {year} (zip)"
        ).click()
    download = info.value
    assert download.suggested_filename.endswith(".zip")
    archive = zipfile.ZipFile(io.BytesIO(Path(download.path()).read_bytes()))
    readme = archive.read("README.md").decode()
    assert "consultations.csv" in readme and "| title |" in readme
    rows = list(csv.DictReader(io.StringIO(archive.read("consultations.csv").decode("utf-8-sig"))))
    assert [r["title"] for r in rows] == ["推进老旧小区改造专题协商"]


def _click_tile(page, name):
    holder = page.locator('[data-chart="map"]')
    expect(holder).to_have_attribute("data-rendered", "1")
    holder.scroll_into_view_if_needed()
    x, y = page.evaluate(
        """([el, name]) => {
            const chart = echarts.getInstanceByDom(el);
            const tile = chart.getOption().series[0].data.find((d) => d.name === name);
            return chart.convertToPixel({seriesIndex: 0}, [tile.value[0], tile.value[1]]);
        }""",
        [holder.element_handle(), name],
    )
    box = holder.bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)


@pytest.fixture
def board(transactional_db, organization, staff):
    today = timezone.localdate()
    for title, place in (("修复黄河路路灯", "黄河路"), ("疏通黄河路下水道", "黄河路"), ("金水路加装电梯", "金水路")):
        services.record_matter(staff, organization, title=title, done_on=today, source="room", place=place)
    DashboardLayout.objects.create(
        organization=organization,
        panels=[
            {"kind": "headline", "figures": ["matters_done_for_residents"]},
            {"kind": "map", "figure": "matters_done_for_residents", "by": "place"},
            {"kind": "breakdown", "figure": "matters_done_for_residents", "by": "source"},
        ],
        tiles={"金水路": [0, 0], "黄河路": [0, 1], "中原路": [1, 0]},
    )
    return make_user(Role.LEADER, organization, username="leader", name="王副主席")


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_a_leader_drills_from_the_tile_map_in_care_mode(page, board, lang):
    _staff_login(page, board)
    if lang == "en":
        _english(page)
    page.get_by_test_id("care").click()
    expect(page.locator("body")).to_have_class("care")
    page.get_by_role("navigation").get_by_role("link", name=_t("数据驾驶舱", lang)).first.click()
    panels = page.locator(".panels > *")
    expect(panels.nth(0)).to_have_attribute("data-testid", "headline")
    expect(panels.nth(1)).to_have_attribute("data-panel", "matters_done_for_residents-place")
    expect(page.locator('[data-chart="trend"]')).to_have_count(0)  # not in this organization's layout
    _click_tile(page, "黄河路")
    expect(page.get_by_test_id("total")).to_contain_text("2")
    expect(page.get_by_test_id("records")).to_contain_text("修复黄河路路灯")
    expect(page.get_by_test_id("records")).not_to_contain_text("金水路加装电梯")


def test_the_tile_map_reads_on_a_phone(phone_page, board):
    _staff_login(phone_page, board)
    phone_page.goto("/stats/dashboard/")
    expect(phone_page.locator('[data-chart="map"]')).to_have_attribute("data-rendered", "1")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the board is {width}px wide on a 390px phone"
    phone_page.get_by_test_id("map-table").locator("summary").click()
    phone_page.get_by_test_id("map-table").get_by_role("link", name="金水路").click()
    expect(phone_page.get_by_test_id("records")).to_contain_text("金水路加装电梯")
