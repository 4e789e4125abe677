"""A deploy-time warning (`check --deploy`) when the working-day calendar does not know next year's holidays yet.

Deadlines in working days would then silently count Monday to Friday, ignoring 春节 and the 调休 working days."""

from django.core.checks import Warning, register
from django.db import DatabaseError
from django.utils import timezone


@register("xieshang", deploy=True)
def calendar_covers_next_year(app_configs=None, **kwargs):
    from .calendar import package_years
    from .models import CalendarDay

    next_year = timezone.localdate().year + 1
    if next_year in package_years():
        return []
    try:
        known = CalendarDay.objects.filter(date__year=next_year, is_workday=False).exists()
    except DatabaseError:  # before the first migrate
        return []
    if known:
        return []
    return [
        Warning(
            f"The working-day calendar has no holidays for {next_year}.",
            hint="Upgrade chinese-calendar and run `manage.py seed_calendar`, or enter the State Council's holiday "
            "notice in the admin (工作日历). Until then deadlines in that year count Monday to Friday.",
            id="xieshang.W001",
        )
    ]
