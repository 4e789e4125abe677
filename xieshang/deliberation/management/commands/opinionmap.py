from django.core.management.base import BaseCommand, CommandError

from xieshang.deliberation.cli import run
from xieshang.deliberation.math import PolisExportError


class Command(BaseCommand):
    help = (
        "Compute the opinion map of a Polis export folder (any public Polis format) without saving anything; "
        '--json prints one object with "k", "groups", "consensus", "group-aware-consensus", "representative", '
        '"projected" and "seconds". manage.py runs it without starting Django (xieshang/deliberation/cli.py) '
        "unless other options are given."
    )

    def add_arguments(self, parser):
        parser.add_argument("dir", help="a Polis export folder (comments.csv, votes.csv and/or participants-votes.csv)")
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument(
            "--mode",
            choices=["polis", "stable"],
            default="polis",
            help="polis: Polis' own clustering (default); stable: seeded k-means++ with a faster k switch",
        )

    def handle(self, *args, **options):
        try:
            run(
                {"dir": options["dir"], "json": options["json"], "seed": options["seed"], "mode": options["mode"]},
                self.stdout,
            )
        except PolisExportError as exc:
            raise CommandError(str(exc)) from exc
