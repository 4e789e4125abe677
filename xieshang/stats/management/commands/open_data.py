"""`manage.py open_data [--year YEAR] [--organization CODE]`: rebuild the open-data zip of a year (default: this
year and last year) and print where it was written and how long it took."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from ...opendata import rebuild
from .annual_report import home_organization


class Command(BaseCommand):
    help = "Rebuild the open-data files (CSV and JSON in a zip, with a README of the fields)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, action="append", help="a year (repeatable); default: this and last")
        parser.add_argument("--organization", help="organization code (default: the one most members belong to)")

    def handle(self, *args, **options):
        organization = home_organization(options["organization"])
        this_year = timezone.localdate().year
        for year in options["year"] or [this_year - 1, this_year]:
            started = time.perf_counter()
            path = rebuild(organization, year)
            self.stdout.write(f"{path} ({time.perf_counter() - started:.1f} s)")
