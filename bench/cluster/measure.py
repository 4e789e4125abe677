"""Per-node throughput on the local cluster (scripts/cluster.py), for the capacity section of docs/deployment.md.

    scripts/cluster.py start && scripts/cluster.py manage demo_data --scale 0.1   # once
    .venv/bin/python bench/cluster/measure.py [--seconds 10] [--tasks 300]

Pages: wrk (2 threads, 8 connections) on a public page and on signed-in pages of the demo member, against one app
server directly and against nginx balancing both. Workers: the fault tests' task mix (SMS, e-mail, indexing,
notifying tasks) seeded while the workers are stopped, then drained by one worker, then by two. One JSON line each,
with the machine's load average (the machine has 2 cores and is shared: read the numbers as per-core figures)."""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "cluster.py"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def ctl(*args: str) -> str:
    result = subprocess.run([sys.executable, str(SCRIPT), *args], cwd=ROOT, capture_output=True, text=True)  # noqa: S603
    if result.returncode:
        raise SystemExit(result.stdout + result.stderr)
    return result.stdout


def sign_in(base: str, username: str, password: str) -> str:
    browser = requests.Session()
    token = CSRF.search(browser.get(f"{base}/accounts/login/", timeout=30).text).group(1)
    answer = browser.post(
        f"{base}/accounts/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token},
        timeout=30,
    )
    assert "/accounts/login/" not in answer.url, "sign-in failed: is the demo built on the cluster?"
    return "; ".join(f"{c.name}={c.value}" for c in browser.cookies if c.name != "xieshang_rw")


def wrk(url: str, seconds: int, cookie: str = "") -> dict:
    command = ["wrk", "-t2", "-c8", f"-d{seconds}s", "--latency", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def pct(p: str) -> float:
        value, unit = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", out).groups()
        return round(float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit], 1)

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {"rps": rps, "p50_ms": pct("50"), "p99_ms": pct("99"), "non_2xx": int(errors.group(1)) if errors else 0}


def drain(ports: dict, workers: list[str], total: int) -> dict:
    for name in ("worker1", "worker2"):
        ctl("stop", name)
    tag = f"{random.randrange(10000):04d}"  # noqa: S311
    out = Path(ports["dir"]) / f"bench-{tag}.json"
    code = f"from tests.cluster import jobs; jobs.seed_tasks({total}, {tag!r}, {str(out)!r})"
    seeded = ctl("manage", "shell", "-c", code)
    since = json.loads([line for line in seeded.splitlines() if line.startswith("JSON:")][-1][5:])["since"]
    query = (
        "SELECT COUNT(*) FROM django_tasks_database_dbtaskresult "
        f"WHERE status IN ('READY', 'RUNNING') AND enqueued_at >= '{since}'"
    )
    psql = ["psql", "-h", "127.0.0.1", "-p", str(ports["primary"]), "-U", "postgres", "-d", "xieshang", "-tAc", query]
    started = time.monotonic()
    for name in workers:
        ctl("start", name)
    ready_at = time.monotonic()
    while int(subprocess.run(psql, capture_output=True, text=True, check=True).stdout.strip()):  # noqa: S603
        time.sleep(0.2)
    seconds = time.monotonic() - ready_at
    return {
        "workers": len(workers),
        "tasks": total,
        "seconds": round(seconds, 1),
        "tasks_per_s": round(total / seconds, 1),
        "start_s": round(ready_at - started, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--tasks", type=int, default=300)
    parser.add_argument("--user", default="member")
    parser.add_argument("--password", default="Xieshang-2026")
    args = parser.parse_args()
    ports = json.loads(ctl("ports"))
    nginx, app1 = ports["url"], f"http://127.0.0.1:{ports['app1']}"
    cookie = sign_in(nginx, args.user, args.password)
    pages = [("public portal /", "/", ""), ("member workbench", "/workbench/", cookie),
             ("my proposals", "/proposals/mine/", cookie)]  # fmt: skip
    for label, path, with_cookie in pages:
        for target, base in (("1 app server (direct)", app1), ("2 app servers (nginx)", nginx)):
            result = {"page": label, "path": path, "target": target, **wrk(base + path, args.seconds, with_cookie)}
            result["load"] = os.getloadavg()[0]
            print(json.dumps(result, ensure_ascii=False), flush=True)
    for workers in (["worker1"], ["worker1", "worker2"]):
        print(json.dumps({"bench": "task workers", **drain(ports, workers, args.tasks), "load": os.getloadavg()[0]}))
    ctl("start", "worker1")
    ctl("start", "worker2")


if __name__ == "__main__":
    main()
