"""A fresh worker's first request, as a user meets it (issue 18: "a fresh worker answers its first request in under
2 s"), on the bench/pages database (built by run.py) with gunicorn.conf.py as production runs it.

Three moments, each timed from the client on the loopback with a signed-in staff session on the proposal page:

- ``cold``: gunicorn starts; the time until the port accepts (the master loading and warming the application), then
  the first request's time;
- ``respawn``: one worker (``-w 1``) is killed with SIGKILL, as the kernel's OOM killer or a crash would; the request
  sent right after waits for the master to notice, fork a new worker and that worker to answer: the time from the
  kill to the answer;
- ``max_requests``: the worker replaced after its request budget (``--max-requests 5``): the request after the
  budget is answered by the new worker.

With ``--no-preload`` the same moments without preloading (each worker loads and warms the application itself):
the comparison that gunicorn.conf.py's ``preload_app`` rests on.

    DATABASE_URL=postgres://…/xieshang_bench_pages_small REDIS_URL=redis://127.0.0.1:6379/14 \\
      .venv/bin/python bench/pages/boot.py [--no-preload] [--out bench/pages/results-boot.jsonl]

One JSON line: {"preload","cold_listen_s","cold_first_ms","respawn_ms","max_requests_ms","page","load"}.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
import urllib.request

import run  # bench/pages/run.py: the production-like environment, the sessions and the database checks

PAGE = "proposal page (staff)"


def _get(url: str, cookie: str) -> float:
    request = urllib.request.Request(url, headers={"Cookie": cookie, "Connection": "close"})
    t = time.perf_counter()
    with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 - loopback
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{url}: HTTP {response.status}")
    return (time.perf_counter() - t) * 1000


def _children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    return [int(p) for p in out.stdout.split()]


def _start(port: int, preload: bool, extra: list[str]) -> subprocess.Popen:
    command = [str(run.ROOT / ".venv/bin/gunicorn"), "xieshang.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1",
               "--log-level", "warning", "--max-requests-jitter", "0", *extra]  # fmt: skip
    env = {**os.environ, "GUNICORN_PRELOAD": "1" if preload else "0"}
    return subprocess.Popen(command, cwd=run.ROOT, env=env)


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-preload", action="store_true")
    parser.add_argument("--port", type=int, default=8971)
    parser.add_argument("--scale", choices=sorted(run.SCALES), default=os.environ.get("SCALE", "small"))
    parser.add_argument("--out")
    args = parser.parse_args()
    preload = not args.no_preload
    n = run.SCALES[args.scale][0]

    import django

    django.setup()
    from build import build
    from pages import PAGES

    cast = build(n, log=run.log)
    page = next(p for p in PAGES if p.name == PAGE)
    cookie = run._cookie(run.sessions(cast, {page.role})[page.role])
    url = f"http://127.0.0.1:{args.port}{page.url(cast)}"

    started = time.perf_counter()
    server = _start(args.port, preload, [])
    try:
        run.wait_listening(args.port, server, seconds=300)
        listen_s = time.perf_counter() - started
        cold_ms = _get(url, cookie)
        _get(url, cookie)
        worker = _children(server.pid)[0]
        t = time.perf_counter()
        os.kill(worker, signal.SIGKILL)
        _get(url, cookie)  # queued in the listen socket until the new worker accepts it
        respawn_ms = (time.perf_counter() - t) * 1000
    finally:
        _stop(server)

    server = _start(args.port, preload, ["--max-requests", "5"])
    try:
        run.wait_listening(args.port, server, seconds=300)
        for _ in range(5):
            _get(url, cookie)
        first = _children(server.pid)
        t = time.perf_counter()
        _get(url, cookie)
        max_requests_ms = (time.perf_counter() - t) * 1000
        replaced = _children(server.pid) != first
    finally:
        _stop(server)

    run._emit(
        {
            "preload": preload,
            "cold_listen_s": round(listen_s, 2),
            "cold_first_ms": round(cold_ms, 1),
            "respawn_ms": round(respawn_ms, 1),
            "max_requests_ms": round(max_requests_ms, 1),
            "worker_replaced": replaced,
            "page": PAGE,
            "scale": args.scale,
            "load": [round(x, 1) for x in os.getloadavg()],
        },
        args.out,
    )


if __name__ == "__main__":
    sys.exit(main())
