from datetime import date

import pytest
from django.core.management import call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from xieshang.workflow import calendar
from xieshang.workflow.models import CalendarDay

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("day", "workday"),
    [
        (date(2024, 2, 4), True),  # Sunday worked before the Spring Festival (调休)
        (date(2024, 2, 10), False),  # 春节
        (date(2024, 2, 18), True),  # Sunday worked after it
        (date(2024, 5, 1), False),
        (date(2024, 10, 7), False),
        (date(2024, 10, 12), True),  # Saturday worked
        (date(2025, 1, 1), False),
        (date(2025, 1, 26), True),  # Sunday, 调休 working day
        (date(2025, 1, 28), False),  # 除夕 became a holiday in 2025
        (date(2025, 2, 4), False),
        (date(2025, 2, 5), True),
        (date(2025, 2, 8), True),  # Saturday worked
        (date(2025, 4, 27), True),  # Sunday worked before 劳动节
        (date(2025, 5, 5), False),
        (date(2025, 9, 28), True),  # Sunday worked before 国庆
        *[(date(2025, 10, d), False) for d in range(1, 9)],  # 国庆 + 中秋, 1–8 October
        (date(2025, 10, 9), True),
        (date(2025, 10, 11), True),  # Saturday worked
        (date(2025, 10, 12), False),  # an ordinary Sunday
        (date(2026, 1, 4), True),  # Sunday worked after 元旦
        (date(2026, 2, 16), False),
        (date(2026, 2, 28), True),
        (date(2026, 10, 7), False),
        (date(2026, 10, 10), True),
        (date(2026, 11, 27), True),  # an ordinary Friday
    ],
)
def test_official_calendar(day, workday):
    assert calendar.is_workday(day) is workday


def test_seeded_rows_carry_chinese_names():
    row = CalendarDay.objects.get(date=date(2025, 10, 1))
    assert (row.is_workday, row.name, row.source) == (False, "国庆节", "chinese_calendar")
    assert CalendarDay.objects.get(date=date(2025, 1, 26)).name == "春节调休上班"


def test_working_day_arithmetic_over_national_day():
    assert calendar.add_working_days(date(2025, 9, 30), 1) == date(2025, 10, 9)
    assert calendar.add_working_days(date(2025, 10, 9), -1) == date(2025, 9, 30)
    assert calendar.add_working_days(date(2025, 9, 26), 1) == date(2025, 9, 28)  # Friday → the Sunday worked
    assert calendar.working_days_between(date(2025, 9, 30), date(2025, 10, 9)) == 1
    assert calendar.working_days_between(date(2025, 10, 9), date(2025, 9, 30)) == -1
    assert calendar.add_working_days(date(2025, 10, 3), 0) == date(2025, 10, 3)
    # 10 working days from the 2025 Spring Festival eve: 5, 6, 7, 8 (Sat), 10, 11, 12, 13, 14, 17 February
    assert calendar.add_working_days(date(2025, 1, 27), 10) == date(2025, 2, 17)


def test_months_clamp_and_move_off_days_off():
    assert calendar.add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert calendar.add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert calendar.add_months(date(2025, 11, 30), 3) == date(2026, 2, 28)
    assert calendar.add_months(date(2025, 3, 15), -3) == date(2024, 12, 15)
    # 3 months after 1 July 2025 is 1 October, a holiday: due on the first working day after it.
    assert calendar.compute_due(date(2025, 7, 1), 3, "months") == date(2025, 10, 9)
    assert calendar.compute_due(date(2025, 9, 26), 5, "calendar_days") == date(2025, 10, 9)
    assert calendar.compute_due(date(2025, 9, 26), 5, "working_days") == date(2025, 10, 10)
    assert calendar.compute_due(date(2025, 9, 26), None, "working_days") is None


def test_years_beyond_the_package_fall_back_to_monday_to_friday():
    assert calendar.package_says_workday(date(2031, 1, 1)) is None
    assert calendar.is_workday(date(2031, 1, 1)) is True  # a Wednesday; 元旦 unknown until entered
    assert calendar.is_workday(date(2031, 1, 4)) is False  # Saturday


def test_admin_rows_override_and_invalidate_the_cache():
    assert calendar.is_workday(date(2031, 1, 1)) is True
    CalendarDay.objects.create(date=date(2031, 1, 1), is_workday=False, name="元旦")
    # The table now describes 2031: the holiday is known, other days follow the week.
    assert calendar.is_workday(date(2031, 1, 1)) is False
    assert calendar.add_working_days(date(2030, 12, 31), 1) == date(2031, 1, 2)
    row = CalendarDay.objects.get(date=date(2025, 10, 8))
    row.is_workday = True
    row.save()
    assert calendar.is_workday(date(2025, 10, 8)) is True
    row.delete()
    # The year is in the table, so a removed holiday is an ordinary Wednesday, not the package's answer.
    assert calendar.is_workday(date(2025, 10, 8)) is True


def test_seed_is_idempotent_and_keeps_admin_corrections(capsys):
    CalendarDay.objects.filter(date=date(2024, 10, 7)).delete()
    row = CalendarDay.objects.get(date=date(2024, 10, 1))
    row.name, row.source = "国庆节（本市）", "admin"
    row.save()
    call_command("seed_calendar", "--years", "2024-2027")
    out = capsys.readouterr()
    assert "1 days added" in out.out
    assert "2027" in out.err
    assert CalendarDay.objects.get(date=date(2024, 10, 1)).name == "国庆节（本市）"
    call_command("seed_calendar", "--years", "2024")
    assert "0 days added, 0 updated" in capsys.readouterr().out


def test_system_admin_adds_a_holiday_in_the_admin(client, org):
    from tests.workflow.conftest import make_user, verified_login
    from xieshang.accounts.models import Role

    admin_user = make_user(org, Role.SYSTEM_ADMIN)
    admin_user.is_staff = True
    admin_user.save()
    verified_login(client, admin_user)
    assert calendar.is_workday(date(2031, 1, 1)) is True
    response = client.post("/admin/workflow/calendarday/add/", {"date": "2031-01-01", "name": "元旦"})
    assert response.status_code == 302, response.content.decode()[:2000]
    row = CalendarDay.objects.get(date=date(2031, 1, 1))
    assert (row.is_workday, row.source) == (False, "admin")
    assert calendar.is_workday(date(2031, 1, 1)) is False


def test_other_staff_cannot_edit_the_calendar(client, org):
    from tests.workflow.conftest import make_user, verified_login
    from xieshang.accounts.models import Role

    user = make_user(org, Role.SECURITY_ADMIN)
    user.is_staff = True
    user.save()
    verified_login(client, user)
    response = client.post("/admin/workflow/calendarday/add/", {"date": "2031-01-01", "name": "元旦"})
    assert response.status_code == 403
    assert not CalendarDay.objects.filter(date=date(2031, 1, 1)).exists()


days = st.dates(min_value=date(2023, 1, 1), max_value=date(2027, 12, 31))


@settings(max_examples=150, deadline=None)
@given(start=days, n=st.integers(min_value=-60, max_value=60))
def test_add_and_count_are_inverse(start, n):
    end = calendar.add_working_days(start, n)
    assert calendar.working_days_between(start, end) == n
    if n:
        assert calendar.is_workday(end)
        assert (end > start) == (n > 0)


@settings(max_examples=100, deadline=None)
@given(a=days, b=days)
def test_count_never_overshoots(a, b):
    n = calendar.working_days_between(a, b)
    reached = calendar.add_working_days(a, n)
    # Stepping n working days never passes b, and one more step would.
    if b >= a:
        assert reached <= b < calendar.add_working_days(a, n + 1)
    else:
        assert reached >= b > calendar.add_working_days(a, n - 1)
    assert abs(n) <= abs((b - a).days)


def test_admin_weekday_speaks_the_page_language():
    """The calendar's admin list showed the weekday as 一…日 on English pages (found by the system administrator's
    journey)."""
    import datetime

    from django.contrib import admin
    from django.utils import translation

    from xieshang.workflow.models import CalendarDay

    model_admin = admin.site._registry[CalendarDay]
    monday = CalendarDay(date=datetime.date(2026, 12, 7))
    with translation.override("en"):
        assert str(model_admin.weekday(monday)) == "Mon"
    with translation.override("zh-hans"):
        assert "一" in str(model_admin.weekday(monday))
