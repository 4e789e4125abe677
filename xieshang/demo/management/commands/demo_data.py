import os
import random
import time
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections, transaction
from django.test.utils import override_settings

from xieshang.accounts.models import Organization
from xieshang.demo.builders import builders
from xieshang.demo.registry import DEMO_PASSWORD, DemoContext


class Command(BaseCommand):
    help = "Build the demo organization (Zhengzhou and its partners) with realistic Chinese data. Deterministic."

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="flush the database first and build anew")
        parser.add_argument("--seed", type=int, default=20221, help="random seed (same seed, same data)")
        parser.add_argument("--quiet-accounts", action="store_true", help="do not print the demo accounts")
        parser.add_argument("--only", default="", help="comma-separated builders to run (default: all)")
        parser.add_argument(
            "--scale",
            type=float,
            default=float(os.environ.get("XIESHANG_DEMO_SCALE", "0.1")),
            help=(
                "volume of the workflow-driven demo data "
                "(1.0 = a full year as in the work report; default 0.1 starts in under a minute)"
            ),
        )

    def handle(self, *args, **options):
        started = time.monotonic()
        if Organization.objects.filter(code="zhengzhou").exists():
            if not options["rebuild"]:
                self.stdout.write(
                    self.style.WARNING(
                        "演示数据已存在，保留现有数据（重建请加 --rebuild）。"
                        " Demo data already present: kept (use --rebuild to rebuild)."
                    )
                )
                self.print_accounts()
                return
            self.rebuild_database()
        ctx = DemoContext(rng=random.Random(options["seed"]), stdout=self.stdout, scale=options["scale"])
        only = {name.strip() for name in options["only"].split(",") if name.strip()}
        # `make demo` runs with DEBUG=1, under which Django logs every query and, on SQLite, runs a second query to
        # quote its parameters for the log: the build does not need that log (about a tenth of its time).
        with override_settings(DEBUG=False):
            for name, builder in builders():
                if only and name not in only:
                    continue
                step = time.monotonic()
                with transaction.atomic():
                    builder(ctx)
                self.stdout.write(f"  {name}: {time.monotonic() - step:.1f} s")
        self.stdout.write(self.style.SUCCESS(f"演示数据已生成 / demo data built in {time.monotonic() - started:.1f} s"))
        if not only:
            self.print_report(ctx.scale)
        if not options["quiet_accounts"]:
            self.print_accounts()

    def rebuild_database(self):
        """The audit trail refuses deletion, so a rebuild starts from an empty SQLite file rather than a flush."""
        settings_db = connections["default"].settings_dict
        if connections["default"].vendor != "sqlite" or settings_db["NAME"] in ("", ":memory:"):
            raise CommandError("--rebuild works on the SQLite demo database only; drop and recreate other databases.")
        path = Path(settings_db["NAME"])
        connections.close_all()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        self.stdout.write(f"已删除 {path}，重新建库 / removed {path}, migrating anew …")
        call_command("migrate", interactive=False, verbosity=0)

    def print_report(self, scale: float) -> None:
        """The report year's figures as the report page shows them, beside the work report's value at this scale."""
        from xieshang.core import figures
        from xieshang.demo.report import PUBLISHED, REPORT_YEAR, UNSCALED, expected, year_span

        organization = Organization.objects.get(code="zhengzhou")
        built = figures.values(organization.pk, *year_span(), keys=PUBLISHED)
        self.stdout.write("")
        self.stdout.write(
            f"{REPORT_YEAR}年工作报告数据（演示规模 {scale:g}）/ the {REPORT_YEAR} work report's figures at demo scale "
            f"{scale:g}: the report page (统计 → 年度工作报告, year {REPORT_YEAR}) shows the built value"
        )
        for key, published in PUBLISHED.items():
            note = "full year at every scale" if key in UNSCALED else f"published {published:,} × {scale:g}"
            self.stdout.write(f"  {key:<36} {built.get(key, 0):>14,}   expected {expected(key, scale):>14,}  ({note})")

    def print_accounts(self):
        from xieshang.demo.organization import demo_accounts

        self.stdout.write("")
        self.stdout.write(f"演示账户 / demo accounts (password 密码: {DEMO_PASSWORD})")
        for role, username, note in demo_accounts():
            self.stdout.write(f"  {role:<28} {username:<18} {note}")
