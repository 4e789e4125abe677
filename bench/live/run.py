"""Load test of the live consultation stream (decision 0039): N concurrent SSE viewers on one ASGI process.

It starts uvicorn (xieshang.asgi, one worker) on loopback over a throw-away database, opens N viewers with a tiny
raw-socket SSE client (asyncio streams, no dependency), waits until each has the meeting's whole state, then makes U
updates through the real services (a quick-vote ballot, a question approved, a speaker given the floor, in turn) and
measures, for every viewer and every update, the delay from the update's commit to the arrival of the frame that
carries its version. A viewer that has not received an update within --timeout seconds counts as missing it.

    .venv/bin/python bench/live/run.py --viewers 2000 --updates 20 --out bench/live/results-poll.jsonl
    REDIS_URL=redis://127.0.0.1:6379/7 .venv/bin/python bench/live/run.py ... --out bench/live/results-redis.jsonl

Bounded: the run stops after U updates (or --max-seconds); it waits while /tmp/xieshang-quiet exists."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import resource
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
QUIET = Path("/tmp/xieshang-quiet")
FRAME = re.compile(rb'event: (\w+)\ndata: \{"v": (\d+)')


def wait_for_quiet() -> None:
    while QUIET.exists():
        print("waiting: /tmp/xieshang-quiet exists (the integrator is benchmarking)", flush=True)
        time.sleep(30)


def raise_open_files(wanted: int) -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = min(max(soft, wanted), hard)
    resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return target


def environment(db_path: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "xieshang.settings",
            "DEBUG": "0",
            "SECRET_KEY": "bench-live-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz",
            "XIESHANG_DEV": "1",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "0",
            "DATABASE_URL": f"sqlite:///{db_path}",
            "XIESHANG_LIVE_VIDEO_ORIGINS": "https://live.example.gov.cn",
            "XIESHANG_WARMUP": "0",
        }
    )
    env.setdefault("XIESHANG_SHARED_DIR", "/work/shared")
    return env


# ---------------------------------------------------------------------------------------------- the data (Django)
def setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def prepare(voters: int) -> dict:
    """A public consultation on air, its staff, a resident per planned ballot, pending questions, invited members."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from xieshang.accounts.models import Organization, Role, RoleGrant, User
    from xieshang.consultations import services
    from xieshang.consultations.models import Invitation
    from xieshang.consultations.services import live
    from xieshang.core import limits

    stamp = str(int(time.time()))
    org = Organization.objects.create(
        name=f"压测市政协{stamp}", short_name=f"压测{stamp}", code=f"b{stamp}", level=Organization.Level.CITY
    )

    def person(role, name):
        user = User.objects.create_user(username=f"{name}{stamp}", password="x-bench-password-1")
        RoleGrant.objects.create(user=user, organization=org, role=role)
        return user

    staff = person(Role.COMMITTEE_STAFF, "staff")
    import datetime

    from django.utils import timezone

    consultation = services.consultation_create(
        actor=staff,
        organization=org,
        kind="bimonthly",
        title="压测：公众直播",
        planned_date=timezone.localdate() + datetime.timedelta(days=30),
        venue="市政协",
    )
    live.stage_configure(
        actor=staff, consultation=consultation, is_public=True, video_url="https://live.example.gov.cn/bench"
    )
    live.stage_start(actor=staff, consultation=consultation)
    vote = live.vote_open(
        actor=staff, consultation=consultation, question="是否赞成本方案？", options="赞成\n反对\n弃权"
    )
    residents = [person(Role.CITIZEN, f"r{n}-") for n in range(voters)]
    members = [person(Role.MEMBER, f"m{n}-") for n in range(voters)]
    for m in members:
        Invitation.objects.create(consultation=consultation, organization=org, user=m)
    with limits.lifted():
        questions = [
            live.question_submit(actor=r, consultation=consultation, text=f"第 {n} 个问题：公交线路何时调整？")
            for n, r in enumerate(residents)
        ]
    return {
        "consultation": consultation,
        "staff": staff,
        "vote": vote,
        "residents": residents,
        "members": members,
        "questions": questions,
    }


def update(data: dict, n: int) -> int:
    """One change through the services; the version it committed."""
    from xieshang.consultations.models import LiveStage
    from xieshang.consultations.services import live

    kind = n % 3
    if kind == 0:
        vote = data["vote"]
        option = list(vote.options.all())[n % 3]
        live.vote_cast(actor=data["residents"][n], vote=vote, option_id=option.pk)
    elif kind == 1:
        live.question_moderate(actor=data["staff"], question=data["questions"][n], decision="approve")
    else:
        request = live.speak_request(actor=data["members"][n], consultation=data["consultation"])
        live.speaker_floor(actor=data["staff"], request=request)
    return LiveStage.objects.get(consultation=data["consultation"]).version


# -------------------------------------------------------------------------------------------------- the viewers
class Viewer:
    __slots__ = ("arrivals", "buffer", "connected", "error", "first_at", "frames", "version")

    def __init__(self) -> None:
        self.version = -1
        self.arrivals: dict[int, float] = {}
        self.buffer = b""
        self.connected = False
        self.error = ""
        self.first_at = 0.0
        self.frames = 0


async def watch(viewer: Viewer, port: int, path: str, language: str, stop: asyncio.Event) -> None:
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError as exc:
        viewer.error = f"connect: {exc}"
        return
    cookie = f"Cookie: xieshang_language={language}\r\n"
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n{cookie}\r\n"
    writer.write(request.encode())
    try:
        head = await reader.readuntil(b"\r\n\r\n")
        if b" 200 " not in head.split(b"\r\n", 1)[0]:
            viewer.error = head.split(b"\r\n", 1)[0].decode(errors="replace")
            return
        viewer.connected = True
        while not stop.is_set():
            chunk = await reader.read(65536)
            if not chunk:
                viewer.error = viewer.error or "closed by server"
                return
            now = time.perf_counter()
            viewer.buffer += chunk
            # The frames' versions; chunked framing lines in between do not matter to the regex.
            last = 0
            for match in FRAME.finditer(viewer.buffer):
                v = int(match.group(2))
                viewer.frames += 1
                if v > viewer.version:
                    viewer.version = v
                    viewer.arrivals.setdefault(v, now)
                    if not viewer.first_at:
                        viewer.first_at = now
                last = match.end()
            viewer.buffer = viewer.buffer[last:] if last else viewer.buffer[-4096:]
    except (OSError, asyncio.IncompleteReadError) as exc:
        viewer.error = f"read: {exc!r}"
    finally:
        writer.close()


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return float("nan")


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


async def main_async(args, data, port: int, server: subprocess.Popen) -> dict:
    from asgiref.sync import sync_to_async

    path = f"/consultations/{data['consultation'].pk}/live/stream/"
    viewers = [Viewer() for _ in range(args.viewers)]
    stop = asyncio.Event()
    t_open = time.perf_counter()
    tasks = []
    for n, viewer in enumerate(viewers):
        language = "en" if n % 4 == 0 else "zh-hans"
        tasks.append(asyncio.create_task(watch(viewer, port, path, language, stop)))
        if n % 100 == 99:
            await asyncio.sleep(0.05)  # a steady arrival, not one SYN burst beyond the listen backlog
    deadline = time.perf_counter() + args.connect_timeout
    while time.perf_counter() < deadline and sum(1 for v in viewers if v.first_at or v.error) < len(viewers):
        await asyncio.sleep(0.2)
    ready = [v for v in viewers if v.first_at]
    connect_seconds = time.perf_counter() - t_open
    print(f"{len(ready)}/{len(viewers)} viewers have the state after {connect_seconds:.1f} s", flush=True)
    cpu_before = cpu_seconds(server.pid)
    t_updates = time.perf_counter()
    updates = []
    for n in range(args.updates):
        await asyncio.sleep(args.interval)
        version = await sync_to_async(update, thread_sensitive=True)(data, n)
        committed = time.perf_counter()
        updates.append((n, version, committed))
        if time.perf_counter() - t_open > args.max_seconds:
            break
    await asyncio.sleep(args.timeout)
    cpu_used = cpu_seconds(server.pid) - cpu_before
    wall = time.perf_counter() - t_updates
    stop.set()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)

    delays: list[float] = []
    missing = 0
    per_update = []
    for n, version, committed in updates:
        these = []
        for viewer in ready:
            arrived = next((t for v, t in viewer.arrivals.items() if v >= version), None)
            if arrived is None or arrived - committed > args.timeout:
                missing += 1
            else:
                these.append(max(0.0, arrived - committed))
        delays.extend(these)
        per_update.append(
            {
                "update": n,
                "version": version,
                "received": len(these),
                "p50_ms": round(percentile(these, 50) * 1000, 1),
                "max_ms": round(max(these) * 1000, 1) if these else None,
            }
        )
    errors: dict[str, int] = {}
    for v in viewers:
        if v.error and not v.first_at:
            errors[v.error[:80]] = errors.get(v.error[:80], 0) + 1
    return {
        "viewers": args.viewers,
        "connected": len(ready),
        "connect_errors": errors,
        "connect_seconds": round(connect_seconds, 2),
        "updates": len(updates),
        "interval_s": args.interval,
        "deliveries_expected": len(updates) * len(ready),
        "deliveries_missing": missing,
        "p50_ms": round(percentile(delays, 50) * 1000, 1),
        "p95_ms": round(percentile(delays, 95) * 1000, 1),
        "p99_ms": round(percentile(delays, 99) * 1000, 1),
        "max_ms": round(max(delays) * 1000, 1) if delays else None,
        "under_1s": sum(1 for d in delays if d < 1.0),
        "server_cpu_s": round(cpu_used, 2),
        "server_cpu_pct_during_updates": round(100 * cpu_used / wall, 1) if wall else None,
        "server_rss_mb": round(rss_mb(server.pid), 1),
        "per_update": per_update,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--viewers", type=int, default=2000)
    parser.add_argument("--updates", type=int, default=20)
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between updates")
    parser.add_argument("--timeout", type=float, default=5.0, help="an update not received in this long is missing")
    parser.add_argument("--connect-timeout", type=float, default=120.0)
    parser.add_argument("--max-seconds", type=float, default=300.0)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--poll", default="0.1", help="XIESHANG_LIVE_POLL_SECONDS of the server")
    parser.add_argument("--db", default=str(ROOT / "var/bench-live.sqlite3"), help="SQLite file (migrated if new)")
    parser.add_argument("--out", default="")
    parser.add_argument("--note", default="")
    args = parser.parse_args()

    wait_for_quiet()
    nofile = raise_open_files(args.viewers * 2 + 512)
    workdir = Path(tempfile.mkdtemp(prefix="live-bench-"))
    Path(args.db).parent.mkdir(parents=True, exist_ok=True)
    env = environment(args.db)
    env["XIESHANG_LIVE_POLL_SECONDS"] = args.poll
    env["XIESHANG_VAR_DIR"] = str(workdir)
    setup_django(env)
    t0 = time.perf_counter()
    data = prepare(voters=args.updates + 1)
    print(f"data ready in {time.perf_counter() - t0:.1f} s", flush=True)

    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/uvicorn"),
            "xieshang.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(args.port),
            "--no-access-log",
            "--log-level",
            "warning",
            "--backlog",
            "4096",
            "--timeout-keep-alive",
            "30",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        import urllib.request

        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{args.port}/healthz", timeout=1)  # noqa: S310 - loopback
                break
            except Exception:  # noqa: BLE001 - not up yet
                time.sleep(0.2)
        load_before = loadavg()
        result = asyncio.run(main_async(args, data, args.port, server))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    result.update(
        {
            "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "mode": "redis" if env.get("REDIS_URL") else f"db-poll {args.poll}s",
            "server": "uvicorn 1 process (h11, asyncio)",
            "open_files_limit": nofile,
            "loadavg_before": load_before,
            "loadavg_after": loadavg(),
            "cpus": os.cpu_count(),
            "note": args.note,
        }
    )
    summary = {k: v for k, v in result.items() if k != "per_update"}
    print(json.dumps(summary, ensure_ascii=False, indent=1))
    if args.out:
        with open(args.out, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(result, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
