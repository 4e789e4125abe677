import json

from django.core.management.base import BaseCommand, CommandError

from xieshang.deliberation.math import PolisExportError, opinionmap_json


class Command(BaseCommand):
    help = (
        "Compute the opinion map of a Polis export folder without saving anything; --json prints one object with "
        '"k", "groups", "consensus", "representative" and "seconds".'
    )

    def add_arguments(self, parser):
        parser.add_argument("dir", help="a Polis export folder (comments.csv, votes.csv and/or participants-votes.csv)")
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument("--seed", type=int, default=0)

    def handle(self, *args, **options):
        try:
            out = opinionmap_json(options["dir"], seed=options["seed"])
        except PolisExportError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(out, ensure_ascii=False))
            return
        sizes: dict[int, int] = {}
        for group in out["groups"].values():
            sizes[group] = sizes.get(group, 0) + 1
        self.stdout.write(f"k={out['k']} groups={dict(sorted(sizes.items()))} ({out['seconds']:.2f}s)")
        self.stdout.write(f"consensus agree={out['consensus']['agree']} disagree={out['consensus']['disagree']}")
        for group, ids in out["representative"].items():
            self.stdout.write(f"group {group}: representative {ids}")
