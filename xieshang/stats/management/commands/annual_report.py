"""`manage.py annual_report --year YEAR [--organization CODE] [--json]`: every registered figure for the year, the
same numbers the report page shows (stats.selectors over core.figures). With --json, one JSON object keyed by the
figures' stable names; otherwise a table with last year's values beside them."""

from __future__ import annotations

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Count
from django.utils import translation

from xieshang.accounts.models import Organization, Role

from ...selectors import Period, report_rows, report_values


def home_organization(code: str | None) -> Organization:
    """The named conference, or the one this installation serves: where most members hold their grant."""
    if code:
        try:
            return Organization.objects.get(code=code)
        except Organization.DoesNotExist as exc:
            raise CommandError(f"no organization with code {code!r}") from exc
    found = (
        Organization.objects.filter(role_grants__role=Role.MEMBER)
        .annotate(members=Count("role_grants"))
        .order_by("-members", "code")
        .first()
    ) or Organization.objects.order_by("code").first()
    if found is None:
        raise CommandError("no organization: run migrations and create one (or make demo) first")
    return found


class Command(BaseCommand):
    help = "Print the annual work report's figures for a year (or a span of dates), from the records."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="calendar year (default: this year)")
        parser.add_argument("--start", type=date.fromisoformat, help="first day of a span (with --end)")
        parser.add_argument("--end", type=date.fromisoformat, help="last day of a span (with --start)")
        parser.add_argument("--organization", help="organization code (default: the one most members belong to)")
        parser.add_argument("--json", action="store_true", help="one JSON object keyed by figure name")
        parser.add_argument("--language", default="zh-hans", help="language of the table's labels")

    def handle(self, *args, **options):
        organization = home_organization(options["organization"])
        if bool(options["start"]) != bool(options["end"]):
            raise CommandError("--start and --end go together")
        if options["start"]:
            period = Period(options["start"], options["end"])
        else:
            period = Period.year(options["year"]) if options["year"] else Period.current()
        if options["json"]:
            self.stdout.write(json.dumps(report_values(organization.pk, period), ensure_ascii=False, sort_keys=True))
            return
        with translation.override(options["language"]):
            self.stdout.write(f"{organization} {period.start} – {period.end}")
            for _key, title, rows in report_rows(organization.pk, period):
                self.stdout.write(f"\n{title}")
                for row in rows:
                    label = f"{row.figure.label}（{row.figure.unit}）"
                    self.stdout.write(
                        f"  {row.figure.key:<36} {row.value:>8} {row.previous:>8} {row.change:>+8}  {label}"
                    )
