from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from xieshang.workflow.tasks import send_due_reminders


class Command(BaseCommand):
    help = "Send deadline warnings and overdue escalations (催办) for all workflow objects; safe to rerun."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--today", help="run as if today were YYYY-MM-DD (catch-up after an outage)")
        parser.add_argument("--force", action="store_true", help="run even on a day off")

    def handle(self, *args: Any, today: Any = None, force: Any = False, **options: Any) -> None:
        if today:
            try:
                date.fromisoformat(today)
            except ValueError as exc:
                raise CommandError(f"--today must be YYYY-MM-DD: {exc}") from exc
        # call() runs in this process whatever the configured backend: cron wants the result, not a queued job.
        result = send_due_reminders.call(today, force)
        if result["skipped_day_off"]:
            self.stdout.write(f"{result['day']}: day off, nothing sent (use --force to send anyway)")
            return
        self.stdout.write(f"{result['day']}: {result['warnings']} warnings, {result['overdue']} overdue escalations")
        for error in result["errors"]:
            self.stderr.write(error)
