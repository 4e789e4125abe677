"""The local cluster (scripts/cluster.py) for the tests marked `cluster`: started once per session in a directory
and on ports of its own (var/cluster-test, from 15500; `make cluster` uses var/cluster from 15400), with the fault
tests' recording SMS gateway and mail backend, and stopped at the end (CLUSTER_KEEP=1 leaves it running). Its data
is kept between runs (the first start migrates a new database: about two minutes); each run works under a tag of
its own."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "cluster.py"


def pytest_collection_modifyitems(items):
    for item in items:
        if "/tests/cluster/" in str(item.fspath):
            item.add_marker(pytest.mark.cluster)
            item.add_marker(pytest.mark.xdist_group("cluster"))


@dataclass
class Cluster:
    env: dict[str, str]
    ports: dict
    record: Path
    tag: str

    @property
    def nginx(self) -> str:
        return self.ports["url"]

    def app(self, n: int) -> str:
        return f"http://127.0.0.1:{self.ports[f'app{n}']}"

    def ctl(self, *args: str) -> str:
        result = subprocess.run(  # noqa: S603
            [sys.executable, str(SCRIPT), *args], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    def job(self, call: str):
        """Run `tests.cluster.jobs.<call>` in the cluster's environment; its JSON answer."""
        out = self.ctl("manage", "shell", "-c", f"from tests.cluster import jobs; jobs.{call}")
        lines = [line for line in out.splitlines() if line.startswith("JSON:")]
        assert lines, out
        return json.loads(lines[-1][5:])

    def sql(self, which: str, query: str):
        with psycopg.connect(f"host=127.0.0.1 port={self.ports[which]} user=postgres dbname=xieshang") as db:
            db.autocommit = True
            row = db.execute(query).fetchone()
            return row[0] if row else None

    def pid(self, name: str) -> int:
        return int((Path(self.ports["dir"]) / "run" / f"{name}.pid").read_text())


@pytest.fixture(scope="session")
def cluster(tmp_path_factory):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    env.setdefault("CLUSTER_DIR", str(ROOT / "var" / "cluster-test"))
    env.setdefault("CLUSTER_PORT", "15500")
    # A short read-your-writes window, so that the test sees it end; a short lease, so that a dead worker's task
    # returns within seconds.
    env.setdefault("XIESHANG_READ_YOUR_WRITES_SECONDS", "5")
    env.setdefault("TASK_LEASE_SECONDS", "4")
    record = tmp_path_factory.mktemp("cluster-record")
    record.chmod(0o777)
    # Stopped first: processes left running by an earlier run would keep their environment (another record).
    subprocess.run([sys.executable, str(SCRIPT), "stop"], cwd=ROOT, env=env, capture_output=True, timeout=300)  # noqa: S603
    started = subprocess.run(  # noqa: S603
        [sys.executable, str(SCRIPT), "start", "--record", str(record)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    ports = json.loads(
        subprocess.run([sys.executable, str(SCRIPT), "ports"], cwd=ROOT, env=env, capture_output=True, text=True).stdout
    )
    assert started.returncode == 0, started.stdout[-3000:] + started.stderr[-3000:]
    tag = f"{random.randrange(10000):04d}"  # noqa: S311
    yield Cluster(env=env, ports=ports, record=record, tag=tag)
    if os.environ.get("CLUSTER_KEEP") != "1":
        subprocess.run([sys.executable, str(SCRIPT), "stop"], cwd=ROOT, env=env, capture_output=True, timeout=300)  # noqa: S603
