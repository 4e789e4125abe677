"""The working-day calendar of mainland China: official holidays and the weekend days worked instead (调休).

Source of truth, in order: the CalendarDay table (seeded from chinese-calendar, corrected by the administrator) for
every year it has rows; the chinese-calendar package for other years it knows; Monday–Friday beyond that.

The table is small (a few dozen rows a year) and read on every deadline computation, so each process keeps it in
memory. An edit bumps a version number in Django's cache (shared through Redis in production); processes compare
their copy's version at most every VERSION_CHECK_SECONDS, and the editing process drops its copy at once."""

from __future__ import annotations

import calendar as _stdlib_calendar
import threading
import time
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

import chinese_calendar
from django.core.cache import cache
from django.utils.translation import gettext_noop

from xieshang.core import caches

from .holidays import WORKDAY_SUFFIX

VERSION_KEY = "workflow:calendar:version"
VERSION_CHECK_SECONDS = 30
# Without a shared cache (no REDIS_URL) other processes never see the version bump: reload now and then anyway.
RELOAD_SECONDS = 600

HOLIDAY_NAMES = {
    "new_years_day": gettext_noop("元旦"),
    "spring_festival": gettext_noop("春节"),
    "tomb_sweeping_day": gettext_noop("清明节"),
    "labour_day": gettext_noop("劳动节"),
    "dragon_boat_festival": gettext_noop("端午节"),
    "national_day": gettext_noop("国庆节"),
    "mid_autumn_festival": gettext_noop("中秋节"),
    "anti_fascist_70th_day": gettext_noop("抗战胜利70周年纪念日"),
}

_lock = threading.Lock()
_state: dict[str, Any] = {"days": None, "years": None, "version": None, "checked": 0.0, "loaded": 0.0}


def _load() -> tuple[dict[date, bool], set[int]]:
    now = time.monotonic()
    if _state["days"] is not None and now - _state["checked"] < VERSION_CHECK_SECONDS:
        return _state["days"], _state["years"]
    version = cache.get(VERSION_KEY)
    if _state["days"] is not None and version == _state["version"] and now - _state["loaded"] < RELOAD_SECONDS:
        _state["checked"] = now
        return _state["days"], _state["years"]
    from .models import CalendarDay

    with _lock:
        days = dict(CalendarDay.objects.values_list("date", "is_workday"))
        _state.update(days=days, years={d.year for d in days}, version=version, checked=now, loaded=now)
    return days, _state["years"]


def forget() -> None:
    """Forget the cached table in this process (it reloads on the next question)."""
    _state.update(days=None, years=None, version=None, checked=0.0, loaded=0.0)


def invalidate() -> None:
    """Forget the cached table here and tell other processes to reload it."""
    forget()
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 1, None)


def package_says_workday(d: date) -> bool | None:
    """chinese-calendar's answer, or None for years the installed package does not cover."""
    try:
        return bool(chinese_calendar.is_workday(d))
    except NotImplementedError:
        return None


def is_workday(d: date) -> bool:
    days, years = _load()
    if d in days:
        return days[d]
    if d.year not in years:
        answer = package_says_workday(d)
        if answer is not None:
            return answer
    return d.weekday() < 5


def next_workday(d: date, *, include_self: bool = True) -> date:
    if not include_self:
        d += timedelta(days=1)
    while not is_workday(d):
        d += timedelta(days=1)
    return d


def add_working_days(d: date, n: int) -> date:
    """The n-th working day after d (before d for negative n); d itself for n == 0.

    Counting starts the day after d, so a matter assigned on Friday with 1 working day is due on Monday — and a
    matter assigned on a holiday with 1 working day is due on the first working day after it."""
    step = 1 if n > 0 else -1
    remaining = abs(n)
    while remaining:
        d += timedelta(days=step)
        if is_workday(d):
            remaining -= 1
    return d


def working_days_between(a: date, b: date) -> int:
    """Working days from a to b, the inverse of add_working_days: working_days_between(a, add_working_days(a, n)) == n
    for any n. Forward it counts (a, b]; backward it counts [b, a), negated — the same days add_working_days steps on.
    """
    if b == a:
        return 0
    sign, low, high = (1, a, b) if b > a else (-1, b, a)
    count, d = 0, low
    if sign < 0:
        d -= timedelta(days=1)
        high -= timedelta(days=1)
    while d < high:
        d += timedelta(days=1)
        if is_workday(d):
            count += 1
    return sign * count


def add_months(d: date, n: int) -> date:
    """Same day n months later, clamped to the month's end (31 January + 1 month = 28/29 February)."""
    month_index = d.year * 12 + d.month - 1 + n
    year, month = divmod(month_index, 12)
    month += 1
    last = _stdlib_calendar.monthrange(year, month)[1]
    return date(year, month, min(d.day, last))


def compute_due(start: date, amount: int | None, unit: str) -> date | None:
    """The due date of a deadline of `amount` `unit` counted from start. Calendar-day and month deadlines that end on
    a day off move to the next working day, as the civil law counts periods (民法典第二百零三条)."""
    if not amount:
        return None
    if unit == "working_days":
        return add_working_days(start, amount)
    if unit == "months":
        return next_workday(add_months(start, amount))
    return next_workday(start + timedelta(days=amount))


def package_days(years: Iterable[int]) -> list[tuple[date, bool, str]]:
    """(date, is_workday, name) for every holiday and swapped working day chinese-calendar knows in these years."""
    wanted = set(years)
    rows = []
    for d, holiday in chinese_calendar.holidays.items():
        if d.year in wanted:
            rows.append((d, False, _holiday_name(holiday)))
    for d, holiday in chinese_calendar.workdays.items():
        if d.year in wanted and d.weekday() >= 5:
            rows.append((d, True, f"{_holiday_name(holiday)}{WORKDAY_SUFFIX}"))
    return sorted(rows)


def package_years() -> range:
    known = list(chinese_calendar.holidays)
    return range(min(known).year, max(known).year + 1)


def _holiday_name(holiday: Any) -> str:
    # The package's tables hold the English value ("National Day"); map it back to the member and its Chinese name.
    for member in chinese_calendar.Holiday:
        if holiday in (member, member.value, member.name):
            return str(HOLIDAY_NAMES.get(member.name, member.value))
    return str(holiday)


def seed_from_package(years: Iterable[int], *, model: Any = None) -> tuple[int, int]:
    """Write the package's days for these years into the table; rows an administrator entered are left alone.
    `model` is the historical CalendarDay inside a data migration. Returns (created, updated)."""
    if model is None:
        from .models import CalendarDay as model
    rows = package_days(years)
    existing = {row.date: row for row in model.objects.filter(date__in=[r[0] for r in rows])}
    created = updated = 0
    new = []
    for d, workday, name in rows:
        row = existing.get(d)
        if row is None:
            new.append(model(date=d, is_workday=workday, name=name, source="chinese_calendar"))
        elif row.source == "chinese_calendar" and (row.is_workday, row.name) != (workday, name):
            row.is_workday, row.name = workday, name
            row.save(update_fields=["is_workday", "name"])
            updated += 1
    model.objects.bulk_create(new)
    created = len(new)
    if created or updated:
        invalidate()
    return created, updated


caches.register("workflow.calendar", forget)
