"""Background tasks of the workflow engine."""

from datetime import date
from typing import Any

from django.tasks import task


@task()
def send_due_reminders(today: str | None = None, force: bool = False) -> dict[str, Any]:
    """Daily deadline warnings and overdue escalation (reminders.py). `today` is an ISO date, for catch-up runs."""
    from .reminders import send_due_reminders as run

    report = run(date.fromisoformat(today) if today else None, force=force)
    return {
        "day": report.day.isoformat(),
        "warnings": report.warnings,
        "overdue": report.overdue,
        "skipped_day_off": report.skipped_day_off,
        "errors": report.errors,
    }
