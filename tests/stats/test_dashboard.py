"""The dashboard's layout as data (an organization's panels, order and district tiles, validated against the
registry), the tile map's drill-down, the figures counted in one statement and kept in the cache until a counted
record changes, and the report's and dashboard's query counts, pinned whatever the data's size."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.accounts.test_isolation import _verified_login
from tests.factories import make_user
from xieshang.accounts.models import Role
from xieshang.core import figures
from xieshang.instructions.apps import load_content_types
from xieshang.registers import services
from xieshang.stats import selectors
from xieshang.stats.dashboard import DEFAULT_PANELS, dashboard_data
from xieshang.stats.models import DashboardLayout
from xieshang.stats.selectors import Period

# Queries of one request, whatever the number of records (session, user, organization, grants, menu … included).
# The report counts every figure for both periods in one statement; the board adds one query per breakdown and per
# month-trend series. Raise these only with a reason: they are the pages' speed at the full demo scale.
REPORT_QUERIES = 26
DASHBOARD_QUERIES = 31  # 29 + the evaluation of units (its units and its grouped counts; constant in the data)


@pytest.fixture
def staff(organization):
    return make_user(Role.COMMITTEE_STAFF, organization, username="committee")


def _matters(staff, organization, n, place="黄河路"):
    today = timezone.localdate()
    for i in range(n):
        services.record_matter(staff, organization, title=f"实事{place}{i}", done_on=today, source="room", place=place)


def _queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("url", "limit"), [("/stats/report/", REPORT_QUERIES), ("/stats/dashboard/", DASHBOARD_QUERIES)]
)
def test_a_page_sends_as_many_queries_for_many_records_as_for_one(client, staff, organization, url, limit):
    from django.core.cache import cache

    _verified_login(client, staff)
    year = {"year": timezone.localdate().year}
    load_content_types()  # as a web worker does as it boots (core.warmup): generic relations' types are cached
    _matters(staff, organization, 1)
    cache.clear()
    _verified_login(client, staff)
    few = _queries(client, url, year)
    _matters(staff, organization, 30, place="金水路")
    cache.clear()
    _verified_login(client, staff)
    many = _queries(client, url, year)
    assert few == many <= limit, (few, many)
    assert _queries(client, url, year) < many  # the second view finds the figures in the cache


def test_one_statement_counts_what_each_figure_counts(staff, organization):
    _matters(staff, organization, 3)
    today = timezone.localdate()
    period = Period.year(today.year)
    every = figures.figures()
    selectors.count_all([f.queryset(organization.pk, period.start, period.end) for f in every])  # warms state tags
    with CaptureQueriesContext(connection) as captured:
        counted = selectors.count_all([f.queryset(organization.pk, period.start, period.end) for f in every])
    assert len(captured) == 1
    assert counted == [f.value(organization.pk, period.start, period.end) for f in every]
    assert dict(zip([f.key for f in every], counted, strict=True))["matters_done_for_residents"] == 3


def test_a_new_record_shows_at_once_though_the_figures_are_cached(client, staff, organization):
    _verified_login(client, staff)
    year = timezone.localdate().year
    _matters(staff, organization, 2)
    assert selectors.report_values(organization.pk, Period.year(year))["matters_done_for_residents"] == 2
    _matters(staff, organization, 1, place="金水路")
    assert selectors.report_values(organization.pk, Period.year(year))["matters_done_for_residents"] == 3
    page = client.get("/stats/report/", {"year": year}).content.decode()
    row = page[page.index('data-figure="matters_done_for_residents"') :].split("</tr>")[0]
    assert 'data-value="3"' in row


def test_the_default_board_has_every_kind_of_panel_and_the_tile_map(staff, organization):
    data = dashboard_data(organization.pk, Period.current())
    kinds = [p["kind"] for p in data["panels"]]
    assert kinds[0] == "headline" and {"trend", "funnel", "plan", "breakdown", "map"} <= set(kinds)
    assert len(data["panels"]) == len(DEFAULT_PANELS)


def test_an_organization_chooses_its_panels_their_order_and_its_districts_tiles(client, staff, organization):
    _matters(staff, organization, 2, place="黄河路")
    _matters(staff, organization, 1, place="金水路")
    layout = DashboardLayout(
        organization=organization,
        panels=[
            {"kind": "map", "figure": "matters_done_for_residents", "by": "place"},
            {"kind": "headline", "figures": ["matters_done_for_residents", "reports_to_party_committee"]},
        ],
        tiles={"金水路": [0, 0], "黄河路": [1, 2], "二七路": [0, 1]},
    )
    layout.full_clean()
    layout.save()
    data = dashboard_data(organization.pk, Period.current())
    assert [p["kind"] for p in data["panels"]] == ["map", "headline"]
    tiles = {t["name"]: t for t in data["panels"][0]["tiles"]}
    assert (tiles["金水路"]["row"], tiles["金水路"]["col"], tiles["金水路"]["value"]) == (0, 0, 1)
    assert (tiles["黄河路"]["row"], tiles["黄河路"]["col"], tiles["黄河路"]["value"]) == (1, 2, 2)
    assert tiles["二七路"]["value"] == 0 and tiles["二七路"]["url"] == ""  # placed, nothing counted
    _verified_login(client, staff)
    listing = client.get(tiles["黄河路"]["url"]).content.decode()
    assert "实事黄河路0" in listing and "实事金水路0" not in listing
    page = client.get("/stats/dashboard/").content.decode()
    assert page.index('data-chart="map"') < page.index('data-testid="headline"')
    assert 'data-chart="trend"' not in page


def test_tiles_without_a_position_are_placed_after_the_placed_ones(staff, organization):
    for place in ("甲", "乙", "丙", "丁", "戊"):
        _matters(staff, organization, 1, place=place)
    DashboardLayout.objects.create(
        organization=organization,
        panels=[{"kind": "map", "figure": "matters_done_for_residents", "by": "place"}],
        tiles={"甲": [0, 2]},
    )
    tiles = dashboard_data(organization.pk, Period.current())["panels"][0]["tiles"]
    places = [(t["row"], t["col"]) for t in tiles]
    assert len(set(places)) == 5 and (0, 2) in places
    assert all(row >= 1 for row, _col in places if (row, _col) != (0, 2))


def test_a_bad_layout_is_refused_with_what_is_wrong(organization):
    layout = DashboardLayout(
        organization=organization,
        panels=[
            {"kind": "pie", "figures": ["proposals_filed"]},
            {"kind": "headline", "figures": ["no_such_figure"]},
            {"kind": "breakdown", "figure": "proposals_filed", "by": "colour"},
        ],
        tiles={"金水区": [0, 0], "二七区": [0, 0], "中原区": "north"},
    )
    with pytest.raises(ValidationError) as refused:
        layout.full_clean()
    text = json.dumps(refused.value.message_dict, ensure_ascii=False)
    assert "第1个面板" in text and "no_such_figure" in text and "colour" in text
    assert "同一个位置" in text and "中原区" in text


def test_the_board_drills_a_month_of_the_trend_into_its_records(client, staff, organization):
    today = timezone.localdate()
    earlier = today - timedelta(days=40)
    services.record_matter(staff, organization, title="本月的实事", done_on=today)
    if earlier.year == today.year:
        services.record_matter(staff, organization, title="上月以前的实事", done_on=earlier)
    trend = next(p for p in dashboard_data(organization.pk, Period.current())["panels"] if p["kind"] == "trend")
    series = next(s for s in trend["series"] if s["key"] == "matters_done_for_residents")
    month = trend["months"].index(today.strftime("%Y-%m"))
    assert series["values"][month] == 1
    _verified_login(client, staff)
    listing = client.get(series["urls"][month]).content.decode()
    assert "本月的实事" in listing and "上月以前的实事" not in listing
