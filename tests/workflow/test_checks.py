from datetime import date

from django.utils import timezone

from xieshang.workflow.checks import calendar_covers_next_year
from xieshang.workflow.models import CalendarDay


def test_warns_when_next_years_holidays_are_unknown(db, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda: date(2031, 6, 1))
    assert [w.id for w in calendar_covers_next_year()] == ["xieshang.W001"]
    CalendarDay.objects.create(date=date(2032, 2, 11), is_workday=False, name="春节", source="admin")
    assert calendar_covers_next_year() == []


def test_silent_when_the_package_knows_next_year(db, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda: date(2025, 6, 1))
    assert calendar_covers_next_year() == []
