from datetime import date

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Send consultation notices and materials that have fallen due, and reminders of outcome milestones "
        "(run daily; reruns send nothing twice)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", type=date.fromisoformat, default=None)

    def handle(self, *args, **options):
        from xieshang.consultations.services import send_due_dispatches, send_milestone_reminders

        self.stdout.write(f"sent {send_due_dispatches(options['today'])}")
        self.stdout.write(f"milestone reminders {send_milestone_reminders(options['today'])}")
