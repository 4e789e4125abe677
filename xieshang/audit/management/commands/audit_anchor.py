import json
from pathlib import Path

from django.core.management.base import BaseCommand

from xieshang.audit.integrity import take_anchor


class Command(BaseCommand):
    help = (
        "Write the head of every audit chain to the log and print it (run it periodically, e.g. hourly from cron; "
        "keep the output somewhere the database's administrators cannot write)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, help="append the anchor to this file (one JSON object a line)")

    def handle(self, *args, **options):
        anchor = take_anchor()
        line = json.dumps(anchor, ensure_ascii=False, sort_keys=True)
        if options["output"]:
            with options["output"].open("a", encoding="utf-8") as out:
                out.write(line + "\n")
        self.stdout.write(line)
