"""`manage.py task_worker`: django-tasks-db's worker with a lease (core.worker). Same options as `db_worker`."""

from __future__ import annotations

import logging
import os
from typing import Any

from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

from xieshang.core import worker as lease

logger = logging.getLogger("xieshang.tasks")


class LeasedWorker(db_worker.Worker):
    """Beats while it runs; reaps the tasks of dead workers when it starts and then from its heartbeat thread."""

    def run(self) -> None:
        reaped = lease.reap()
        if reaped:
            logger.warning("At start: %d task(s) returned to the queue, %d failed", reaped.returned, reaped.failed)
        heartbeat = lease.Heartbeat(self.worker_id)
        heartbeat.start()
        try:
            super().run()
        finally:
            heartbeat.stop()


class Command(db_worker.Command):
    help = "Run the task worker with a lease: tasks of a worker that died are run again (core.worker)."

    def handle(self, *, verbosity: int, **options: Any) -> None:
        self.configure_logging(verbosity)
        queue_names = options["queue_name"].split(",")
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = LeasedWorker(
            queue_names=queue_names,
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            excluded_queue_names=excluded,
        )
        if options["reload"] and not options["batch"]:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
