from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection

from xieshang.core import partitions


class Command(BaseCommand):
    help = (
        "Create the coming months' partitions of the tables that grow without bound (PostgreSQL; decision 0043) and "
        "move rows that fell into a default partition into their own. Idempotent: run it daily. Nothing to do on "
        "SQLite. Run it as the tables' owner (the audit table belongs to the audit owner role)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dry-run", action="store_true", help="say what would be created, create nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = options["dry_run"]
        created: dict[str, list[str]] = {}
        for spec in partitions.registered():
            if not partitions.is_partitioned(spec.table):
                self.stdout.write(f"{spec.table}: not partitioned ({connection.vendor})")
                continue
            names = partitions.ensure(spec, dry_run=dry_run)
            created[spec.key] = names
            verb = "would create" if dry_run else "created"
            self.stdout.write(f"{spec.table}: {verb} {', '.join(names) if names else 'nothing'}")
        partitions.record("partitions.run", {"dry_run": dry_run, "vendor": connection.vendor, "created": created})
