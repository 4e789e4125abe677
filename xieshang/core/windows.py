"""Time windows around a meeting: when a check-in (QR) or a live post is accepted. One primitive for every app that
checks people in (activities, consultations): the window, whether a moment falls in it, and the refusal that says
when it opens or when it closed, in the user's language."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import NamedTuple

from django.utils import timezone
from django.utils.translation import gettext as _


def when(value: datetime) -> str:
    """A moment as pages and messages show it (local time, minutes)."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


class Window(NamedTuple):
    """[opens, closes]: both ends included. A tuple, so `opens, closes = window` and templates' `window.0` work."""

    opens: datetime
    closes: datetime

    def contains(self, moment: datetime | None = None) -> bool:
        moment = moment or timezone.now()
        return self.opens <= moment <= self.closes

    def refusal(self, moment: datetime | None = None, *, early: str = "", late: str = "") -> str:
        """ "" inside the window; outside it, the message saying when it opens (or that it has closed). `early` and
        `late` replace the check-in wording (they may name %(opens)s and %(closes)s)."""
        moment = moment or timezone.now()
        if self.contains(moment):
            return ""
        times = {"opens": when(self.opens), "closes": when(self.closes)}
        if moment < self.opens:
            return (early or _("现在不在签到时间内：签到将于 %(opens)s 开始，%(closes)s 截止。")) % times
        return (late or _("现在不在签到时间内：签到已于 %(closes)s 截止。")) % times


def around(starts_at: datetime, ends_at: datetime, *, before_minutes: int, after_minutes: int = 0) -> Window:
    """Opens `before_minutes` before the start and closes `after_minutes` after the end."""
    return Window(starts_at - timedelta(minutes=before_minutes), ends_at + timedelta(minutes=after_minutes))


def whole_day(day: date) -> Window:
    """The local calendar day, for a meeting that has a date but no time yet."""
    start = timezone.make_aware(datetime.combine(day, time.min))
    return Window(start, start + timedelta(days=1) - timedelta(microseconds=1))
