from typing import Any

from django.core.management.base import BaseCommand, CommandError

from xieshang.workflow.calendar import package_years, seed_from_package


class Command(BaseCommand):
    help = (
        "Load official holidays and swapped working days (调休) from the chinese-calendar package into the calendar "
        "table. Rows an administrator entered or corrected are kept."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--years", help="YYYY or YYYY-YYYY (default: every year the package knows)")

    def handle(self, *args: Any, years: Any = None, **options: Any) -> None:
        known = package_years()
        wanted = known
        if years:
            try:
                first, _, last = years.partition("-")
                wanted = range(int(first), int(last or first) + 1)
            except ValueError as exc:
                raise CommandError("--years takes YYYY or YYYY-YYYY") from exc
        missing = [y for y in wanted if y not in known]
        if missing:
            self.stderr.write(
                f"chinese-calendar {known.start}-{known.stop - 1} has no data for {missing}; enter those years in the "
                "admin (节假日与调休) or upgrade the package."
            )
        created, updated = seed_from_package([y for y in wanted if y in known])
        self.stdout.write(f"{created} days added, {updated} updated")
