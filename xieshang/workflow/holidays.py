"""How a working-calendar row's name reads (calendar.py writes them, models.py and the admin show them)."""

from __future__ import annotations

from django.utils.translation import gettext, gettext_noop

# A weekend day worked instead is stored as "<holiday>调休上班" (春节调休上班) and shown through day_name().
WORKDAY_SUFFIX = "调休上班"
WORKDAY_NAME = gettext_noop("%(holiday)s调休上班")


def day_name(name: str) -> str:
    """A calendar row's name in the reader's language: the package's holidays and their swapped working days are
    catalogue msgids; a name an administrator typed shows as typed."""
    if name.endswith(WORKDAY_SUFFIX) and name != WORKDAY_SUFFIX:
        return gettext(WORKDAY_NAME) % {"holiday": gettext(name.removesuffix(WORKDAY_SUFFIX))}
    return gettext(name) if name else name
