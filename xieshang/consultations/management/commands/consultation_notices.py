from datetime import date

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Send consultation notices and materials that have fallen due (run daily; reruns send nothing twice)."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=date.fromisoformat, default=None)

    def handle(self, *args, **options):
        from xieshang.consultations.services import send_due_dispatches

        self.stdout.write(f"sent {send_due_dispatches(options['today'])}")
