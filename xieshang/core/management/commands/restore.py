from pathlib import Path
from typing import Any

import dj_database_url
from django.core.management.base import BaseCommand

from xieshang.core.backup import restore


class Command(BaseCommand):
    help = "Restore a backup archive into an empty database (the configured one, or --into URL) and the media folder."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("archive", type=Path)
        parser.add_argument("--into", default="", help="a database URL to restore into instead of the configured one")
        parser.add_argument("--media-root", type=Path, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        database = dict(dj_database_url.parse(options["into"])) if options["into"] else None
        manifest = restore(options["archive"], database=database, media_root=options["media_root"])
        self.stdout.write(f"restored {sum(manifest['tables'].values())} rows in {len(manifest['tables'])} tables")
