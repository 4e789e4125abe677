"""The registry's measures (a count, a sum, an average per person, a share in per cent) over the records a figure
lists, and the visitor-group register (文史馆) that feeds one of the report's figures."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from tests.accounts.test_isolation import _verified_login
from tests.factories import make_user
from xieshang.accounts.models import Role
from xieshang.core import figures
from xieshang.core.figures import BY_EVENT, Figure
from xieshang.registers import services
from xieshang.registers.models import VisitorGroup


@pytest.fixture
def staff(organization):
    return make_user(Role.COMMITTEE_STAFF, organization, username="wenshi")


def _groups(organization_id, start, end):
    return VisitorGroup.objects.filter(organization_id=organization_id, visited_on__range=(start, end))


def _figure(**measure) -> Figure:
    return Figure(
        key="t",
        label="t",
        unit="t",
        question="t？",
        period=BY_EVENT,
        section="culture",
        records=_groups,
        row=lambda g: (g.name, "", g.visited_on),
        **measure,
    )


def test_a_figure_counts_sums_averages_or_shares_its_records(staff, organization):
    day = timezone.localdate()
    for name, origin, people in (("甲", "local", 10), ("乙", "local", 25), ("丙", "province", 40)):
        services.record_visitor_group(staff, organization, visited_on=day, name=name, origin=origin, people=people)
    services.record_visitor_group(staff, organization, visited_on=day - timedelta(days=400), name="旧", people=99)
    span = (organization.pk, day.replace(month=1, day=1), day)
    assert _figure().value(*span) == 3
    assert _figure(total="people").value(*span) == 75
    assert _figure(total="people", per="origin").value(*span) == 37.5  # 75 people over 2 origins
    assert _figure(part=Q(origin="local")).value(*span) == 66.7
    empty = (organization.pk, date(2000, 1, 1), date(2000, 12, 31))
    assert [_figure(**m).value(*empty) for m in ({}, {"total": "people"}, {"part": Q(origin="x")})] == [0, 0, 0.0]
    assert _figure(part=Q(origin="local")).is_rate and not _figure(total="people").is_rate


def test_every_figure_with_a_measure_names_fields_its_records_have(organization):
    for figure in figures.figures():
        records = figure.queryset(organization.pk, date(2021, 1, 1), date(2021, 12, 31))
        figure.measure(records)  # a wrong lookup path raises FieldError here
        assert not figure.per or figure.total, figure.key


def test_the_visitor_group_register_refuses_bad_input_and_changes_nothing(client, staff, organization, member):
    with pytest.raises(ValidationError, match="至少为 1 人"):
        services.record_visitor_group(staff, organization, visited_on=timezone.localdate(), name="团", people=0)
    with pytest.raises(ValidationError, match="不能晚于今天"):
        services.record_visitor_group(
            staff, organization, visited_on=timezone.localdate() + timedelta(days=1), name="团", people=5
        )
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.record_visitor_group(member, organization, visited_on=timezone.localdate(), name="团", people=5)
    _verified_login(client, staff)
    bad = client.post("/registers/visitor-groups/", {"visited_on": "2999-01-01", "name": "洛阳市政协参观团"})
    assert bad.status_code == 200 and "洛阳市政协参观团" in bad.content.decode()
    assert not VisitorGroup.objects.exists()
    ok = client.post(
        "/registers/visitor-groups/",
        {
            "visited_on": timezone.localdate().isoformat(),
            "name": "洛阳市政协参观团",
            "origin": "province",
            "people": 30,
        },
    )
    assert ok.status_code == 302
    assert (
        figures.get("history_hall_visitor_groups").value(
            organization.pk, timezone.localdate().replace(month=1, day=1), timezone.localdate()
        )
        == 1
    )
    listing = client.get("/stats/figures/history_hall_visitor_groups/").content.decode()
    assert "洛阳市政协参观团（30人）" in listing
    client.force_login(member)
    assert client.get("/registers/visitor-groups/").status_code == 403
