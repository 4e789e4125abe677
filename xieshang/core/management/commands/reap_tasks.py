"""`manage.py reap_tasks`: return the tasks of dead workers to the queue (task_worker also does it by itself)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from xieshang.core import worker


class Command(BaseCommand):
    help = "Return tasks left RUNNING by a dead worker to READY, or fail them after their attempts (core.worker)."

    def handle(self, *args: Any, **options: Any) -> None:
        reaped = worker.reap()
        self.stdout.write(f"returned {reaped.returned}, failed {reaped.failed}")
