"""The daily run of consultation notices and materials (enqueued by cron or `manage.py consultation_notices`)."""

from django.tasks import task

from xieshang.core.tasks import schedule_retry


@task()
def send_due_dispatches(attempt: int = 0) -> int:
    from .services import send_due_dispatches as send
    from .services import send_milestone_reminders

    try:
        return send() + send_milestone_reminders()
    except Exception:
        schedule_retry(send_due_dispatches, attempt)
        raise
