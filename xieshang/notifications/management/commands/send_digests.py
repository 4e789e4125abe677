from datetime import date

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Send followers their digests: yesterday's (daily) and last week's (weekly) news of what they follow "
        "(run daily; reruns send nothing twice)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", type=date.fromisoformat, default=None)

    def handle(self, *args, **options):
        from xieshang.notifications.digests import send_digests

        self.stdout.write(f"digests {send_digests(today=options['today'])}")
