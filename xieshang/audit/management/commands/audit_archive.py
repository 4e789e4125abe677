from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from xieshang.audit.integrity import MIN_RETENTION_DAYS, archive_before, retention_days


class Command(BaseCommand):
    help = (
        "Move audit rows older than the retention period (the security policy's, at least 183 days) into a gzipped "
        "JSON-lines file. On PostgreSQL run it as the audit table's owner role."
    )

    def add_arguments(self, parser):
        parser.add_argument("--directory", type=Path, default=Path(settings.XIESHANG_AUDIT_ARCHIVE_DIR))
        parser.add_argument("--older-than-days", type=int, default=None)

    def handle(self, *args, **options):
        days = options["older_than_days"] or retention_days()
        if days < MIN_RETENTION_DAYS:
            self.stderr.write(f"retention raised to {MIN_RETENTION_DAYS} days (the minimum)")
        archive = archive_before(options["directory"], older_than_days=days)
        if archive is None:
            self.stdout.write("nothing to archive")
        else:
            self.stdout.write(f"archived into {options['directory'] / archive.file_name}")
