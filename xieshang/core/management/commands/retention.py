from datetime import UTC, datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from xieshang.core import partitions


class Command(BaseCommand):
    help = (
        "Remove what is past its retention period (settings.XIESHANG_RETENTION_DAYS; the audit trail: the security "
        "policy's, never under 183 days, archived to files first): on PostgreSQL whole partitions detached and "
        "dropped, on SQLite batched deletes. Decision 0043. Run it daily as the tables' owner; every run is audited."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--dry-run", action="store_true", help="say what would go, remove nothing")
        parser.add_argument(
            "--table",
            action="append",
            default=None,
            help="only these (repeatable): " + ", ".join(s.key for s in partitions.registered()),
        )
        parser.add_argument("--now", default=None, help="the moment to count from (ISO date; tests and rehearsals)")

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = options["dry_run"]
        now = datetime.fromisoformat(options["now"]).replace(tzinfo=UTC) if options["now"] else None
        specs = partitions.registered()
        if options["table"]:
            unknown = set(options["table"]) - {s.key for s in specs}
            if unknown:
                raise CommandError(f"unknown table(s): {', '.join(sorted(unknown))}")
            specs = [s for s in specs if s.key in options["table"]]
        outcomes = []
        for spec in specs:
            outcome = partitions.apply_retention(spec, now=now, dry_run=dry_run)
            outcomes.append(outcome.as_dict())
            if outcome.days is None:
                self.stdout.write(f"{spec.key}: kept (no retention period)")
                continue
            verb = "would remove" if dry_run else "removed"
            where = f" in {', '.join(outcome.dropped)}" if outcome.dropped else ""
            extra = "".join(f", {k}: {v}" for k, v in outcome.detail.items())
            self.stdout.write(
                f"{spec.key}: older than {outcome.days} days ({outcome.cutoff:%Y-%m-%d}): {verb} {outcome.rows} rows"
                f"{where}{extra}"
            )
            if outcome.refused:
                self.stderr.write(f"{spec.key}: stopped at {outcome.refused}")
        partitions.record("retention.run", {"dry_run": dry_run, "vendor": connection.vendor, "tables": outcomes})
