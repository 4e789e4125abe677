from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from xieshang.core.backup import backup


class Command(BaseCommand):
    help = "Back up the database (pg_dump on PostgreSQL, the online backup API on SQLite) and the uploaded files."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--output", type=Path, default=None, help="the .tar.gz to write")

    def handle(self, *args: Any, **options: Any) -> None:
        from django.conf import settings

        output = (
            options["output"] or Path(settings.VAR_DIR) / "backups" / f"xieshang-{timezone.now():%Y%m%dT%H%M%S}.tar.gz"
        )
        self.stdout.write(str(backup(output)))
