"""The demo's year: 2021, the year of the work report whose figures the demo reproduces, and those figures.

Every builder places its history in REPORT_YEAR and builds `scaled(published)` records for a figure, so that the
report page for 2021 gives the work report's figures at scale 1 and the same figures scaled at a smaller scale
(`make demo` builds 0.1). The rule is one: round half up, at least 1. The opinion reports are the exception: they
are built for the whole year at every scale (1,151 / 779 / 372 / 9 exactly), as their statistics were checked
against the report before the demo had a scale. What is waiting today (open proposals, upcoming meetings and
activities, studios' next reception days) stays in the current year."""

from __future__ import annotations

from datetime import date

REPORT_YEAR = 2021

# Figure key -> the work report's value ("编发社情民意信息1151件" …); research reports are 29 + 26 (two themes).
PUBLISHED: dict[str, int] = {
    "opinion_reports_edited": 1151,
    "opinion_reports_to_city": 779,
    "opinion_reports_to_province": 372,
    "opinion_reports_adopted_national": 9,
    "matters_done_for_residents": 2300,
    "reports_to_party_committee": 29,
    "supervision_visits": 68,
    "survey_visits": 116,
    "research_reports": 29 + 26,
    "promotion_meetings": 10,
    "history_hall_visitor_groups": 150,
    "donations_money": 7_000_000,
    "donations_goods": 8_000_000,
    "donations_mobilised": 200_000_000,
}
RESEARCH_REPORTS = (29, 26)
# Built at full size whatever the scale.
UNSCALED = {
    "opinion_reports_edited",
    "opinion_reports_to_city",
    "opinion_reports_to_province",
    "opinion_reports_adopted_national",
}


def scaled(value: int, scale: float) -> int:
    """`value` at the demo's scale: round half up, never below 1."""
    return max(1, int(value * scale + 0.5))


def expected(key: str, scale: float) -> int:
    """What the report page for REPORT_YEAR shows for a figure of PUBLISHED at this scale."""
    if key in UNSCALED:
        return PUBLISHED[key]
    if key == "research_reports":
        return sum(scaled(n, scale) for n in RESEARCH_REPORTS)
    return scaled(PUBLISHED[key], scale)


def year_span() -> tuple[date, date]:
    return date(REPORT_YEAR, 1, 1), date(REPORT_YEAR, 12, 31)
