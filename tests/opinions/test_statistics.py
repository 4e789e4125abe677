"""Every figure of the statistics page equals a direct count of the records, for a period that cuts some out."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from xieshang.instructions.models import Instruction
from xieshang.opinions import services
from xieshang.opinions.models import Adoption, Dispatch, Forward, Level, Report
from xieshang.opinions.statistics import opinion_statistics


@pytest.fixture
def populated(submit, drive, staff, unit, officer, author, coauthor, recipients, organization):
    """A small year: one closed, one only collected, reports sent to each level, forwarded, replied, instructed,
    adopted; plus one report of another year that the period must leave out."""
    closed = drive(submit(title="不用的"), "closed")
    submit(title="刚收到的")
    a = drive(submit(title="甲"), "sent", levels=(Level.OWN, Level.PROVINCIAL))
    b = drive(submit(actor=coauthor, title="乙"), "sent", levels=(Level.OWN, Level.NATIONAL))
    c = drive(submit(title="丙", coauthors=[coauthor]), "issued")
    services.report_forward(actor=staff, report=c, units=[unit])
    services.forward_reply(actor=officer, forward=Forward.objects.get(report=c), text="已办")
    services.instruction_record(actor=staff, report=a, level=Level.OWN, leader_name="王某", text="请研究")
    services.instruction_record(actor=staff, report=a, level=Level.PROVINCIAL, leader_name="李某", text="阅")
    services.adoption_record(actor=staff, report=a, level=Level.PROVINCIAL)
    services.adoption_record(actor=staff, report=b, level=Level.NATIONAL)
    services.adoption_record(actor=staff, report=b, level=Level.OWN)
    old = submit(title="去年的")
    Report.objects.filter(pk=old.pk).update(submitted_at=timezone.now() - timedelta(days=400))
    return {"closed": closed, "a": a, "b": b, "c": c}


def _period():
    today = timezone.localdate()
    return today - timedelta(days=30), today


def test_every_figure_equals_a_direct_count(populated, organization):
    start, end = _period()
    stats = opinion_statistics(organization, start, end, top_authors=None)
    in_period = Report.objects.filter(organization=organization, submitted_at__date__range=(start, end))
    assert stats.collected == in_period.count() == 5
    assert stats.edited == Report.objects.filter(edited_at__isnull=False).count() == 3
    assert stats.issued == Report.objects.filter(issued_at__isnull=False).count() == 3
    assert stats.closed == Report.objects.filter(state__key="closed").count() == 1
    assert stats.issues == 3 and stats.special_issues == 0
    for level in Level.values:
        expected = Dispatch.objects.filter(level=level).values("report").distinct().count()
        assert stats.sent_by_level.get(level, 0) == expected
        assert stats.adopted_by_level.get(level, 0) == Adoption.objects.filter(level=level).count()
        assert stats.instructions_by_level.get(level, 0) == Instruction.objects.filter(level=level).count()
    assert stats.sent_by_level == {"own": 2, "provincial": 1, "national": 1}
    assert stats.forwarded == Forward.objects.values("report").distinct().count() == 1
    assert stats.replied == Forward.objects.filter(replied_at__isnull=False).count() == 1
    assert stats.sent_own_or_forwarded == 3  # a, b to the city leadership; c forwarded
    assert stats.instructions == 2 and stats.instructed == 1
    assert stats.adopted_by_level == {"provincial": 1, "national": 1, "own": 1}


def test_by_author_sector_and_party_match_direct_counts(populated, organization, author, coauthor):
    start, end = _period()
    stats = opinion_statistics(organization, start, end, top_authors=None)
    rows = {r["user_id"]: r for r in stats.by_author}
    for person in (author, coauthor):
        mine = Report.objects.filter(author_links__user=person, submitted_at__date__range=(start, end))
        assert rows[person.pk]["collected"] == mine.count()
        assert rows[person.pk]["adopted"] == Adoption.objects.filter(report__author_links__user=person).count()
        assert rows[person.pk]["instructions"] == Instruction.objects.filter(report__author_links__user=person).count()
    assert rows[author.pk]["collected"] == 4 and rows[author.pk]["adopted"] == 1
    sector = {r["key"]: r for r in stats.by_sector}
    assert (
        sector["教育界"]["collected"]
        == Report.objects.filter(sector__name="教育界", submitted_at__date__range=(start, end)).count()
    )
    party = {r["key"]: r for r in stats.by_party}
    assert party["cdl"]["label"] == "民盟" and party["cdl"]["adopted"] == 1


def test_the_period_leaves_out_what_happened_outside_it(populated, organization):
    today = timezone.localdate()
    last_year = opinion_statistics(organization, today - timedelta(days=500), today - timedelta(days=300))
    assert last_year.collected == 1
    assert last_year.edited == last_year.issued == 0 and last_year.adopted_by_level == {}


def test_statistics_are_per_organization(populated, other_organization):
    start, end = _period()
    assert opinion_statistics(other_organization, start, end).collected == 0


def test_default_period_is_the_calendar_year():
    from xieshang.opinions.statistics import default_period

    assert default_period(date(2021, 5, 3)) == (date(2021, 1, 1), date(2021, 12, 31))


def test_the_report_figures_are_the_statistics_page_figures(populated, organization, staff, client):
    """The statistics face (core.figures) counts what this page counts, its drill-down lists exactly the records
    counted, and `annual_report --json` prints the same numbers."""
    import json
    import re
    from io import StringIO

    from django.core.management import call_command

    from xieshang.core import figures

    start, end = _period()
    stats = opinion_statistics(organization, start, end)
    expected = {
        "opinion_reports_collected": stats.collected,
        "opinion_reports_edited": stats.edited,
        "opinion_reports_to_city": stats.sent_own_or_forwarded,
        "opinion_reports_to_province": stats.sent_by_level["provincial"],
        "opinion_reports_to_national": stats.sent_by_level["national"],
        "opinion_reports_adopted_national": stats.adopted_by_level["national"],
        "opinion_reports_adopted_provincial": stats.adopted_by_level["provincial"],
        "opinion_reports_instructed": stats.instructed,
    }
    assert expected == {"opinion_reports_collected": 5, "opinion_reports_edited": 3, "opinion_reports_to_city": 3,
                        "opinion_reports_to_province": 1, "opinion_reports_to_national": 1,
                        "opinion_reports_adopted_national": 1, "opinion_reports_adopted_provincial": 1,
                        "opinion_reports_instructed": 1}  # fmt: skip
    assert {k: figures.get(k).value(organization.pk, start, end) for k in expected} == expected

    from tests.accounts.test_isolation import _verified_login

    _verified_login(client, staff)
    query = {"start": start.isoformat(), "end": end.isoformat()}
    for key, value in expected.items():
        page = client.get(f"/stats/figures/{key}/", query)
        assert page.status_code == 200
        total = re.search(r'data-testid="total">\D*(\d+)', page.content.decode())
        assert int(total.group(1)) == value, key
        assert page.content.decode().count('<tr><td><a href="/opinions/') == value, key

    out = StringIO()
    call_command("annual_report", "--start", start.isoformat(), "--end", end.isoformat(), "--json", stdout=out)
    printed = json.loads(out.getvalue())
    assert {k: printed[k] for k in expected} == expected
