from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from xieshang.audit.integrity import read_anchors, verify_trail


class Command(BaseCommand):
    help = "Check the audit hash chain (and, given a file of anchors, that the anchored heads are unchanged)."

    def add_arguments(self, parser):
        parser.add_argument("--anchors", type=Path, help="a file written by audit_anchor --output")

    def handle(self, *args, **options):
        anchors = read_anchors(options["anchors"]) if options["anchors"] else None
        checked, broken = verify_trail(anchors)
        if broken is not None:
            raise CommandError(f"audit chain broken at {broken} ({checked} rows read)")
        self.stdout.write(f"audit chain intact: {checked} rows" + (f", {len(anchors)} anchors" if anchors else ""))
