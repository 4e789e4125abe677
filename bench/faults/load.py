"""Load under faults (issue #17): N signed-in users (members and residents of the demo organization) mix page views
and writes on PostgreSQL + Redis for S seconds while the task worker is SIGKILLed twice (and started again) and
Redis is restarted once. Then every write answered "accepted" is looked for among the stored rows, and every task
enqueued must be done.

    make faults-load                                  # 200 users × 300 s (the issue's run)
    make faults-load LOAD_ARGS="--users 20 --seconds 30"   # a smoke run (make faults runs this one)

What it starts, all its own, on the loopback: a redis-server on a free port (never the shared one), the application
in gunicorn as production runs it (DEBUG off, 2 workers × 4 gthread threads, settings from the environment, the
cache and sessions on that Redis), and `manage.py task_worker`. The database is its own (default
`xieshang_faults_load` on the shared PostgreSQL, created when missing; never dropped), with the demo organization
(`demo_data --scale 0.1`, built once and reused).

Each user signs in through the login form, from an address of his own in 127.0.1.0/24 (so the per-address abuse
limits see 200 clients, as a reverse proxy's REMOTE_ADDR would), and then loops until the end: a page or a write,
then a pause (`--think`, 1–4 s by default). Writes GET their form first and post what the page gives (the CSRF token,
the one-time submission token, the form's other fields), each carrying a unique marker in its title or text:
residents raise topics in community rooms, support topics and write call entries (at most 5 posts an hour each, the
"resident_post" limit, which the script keeps to); members draft proposals, submit opinion reports, support topics.

Prints one JSON line and appends it to bench/faults/results-load.jsonl (`--out`). Exit status 1 when a page answered
a server error other than the clean 503, a write was lost or duplicated, or a task was left undone."""

from __future__ import annotations

import argparse
import contextlib
import html
import http.client
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
PYTHON = str(ROOT / ".venv/bin/python") if (ROOT / ".venv/bin/python").exists() else sys.executable
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/xieshang_faults_load"
PASSWORD = "Xieshang-2026"  # the demo's (xieshang.demo.registry.DEMO_PASSWORD)
RESIDENT_POSTS = 5  # core.limits "resident_post": 5 an hour per account (topics and call entries together)
TIMEOUT = 60.0  # a client waits this long for an answer


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())}] {message}", file=sys.stderr, flush=True)


def free_port(preferred: int) -> int:
    for port in (preferred, 0):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return probe.getsockname()[1]
    raise RuntimeError("no free port")


def wait_until(predicate, timeout: float, every: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(every)
    return predicate()


# --- the processes -------------------------------------------------------------------------------------------------


def app_env(database: str, redis_port: int, static_root: str) -> dict[str, str]:
    """Production's settings from the environment (DEBUG off), on plain HTTP on the loopback. Mail goes to the
    worker's log (no SMTP server here) and SMS to the log gateway, production's default until a provider is set."""
    env = {k: v for k, v in os.environ.items() if k not in ("XIESHANG_DEV", "DJANGO_SETTINGS_MODULE")}
    env.update(
        DJANGO_SETTINGS_MODULE="xieshang.settings",
        DEBUG="0",
        SECRET_KEY="faults-load-only-secret-key-not-for-production-7f3a9c",
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=database,
        REDIS_URL=f"redis://127.0.0.1:{redis_port}/0",
        STATIC_ROOT=static_root,
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        SECURE_HSTS_SECONDS="0",
        EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    return env


class Redis:
    def __init__(self, port: int, logfile: Path) -> None:
        self.port, self.logfile = port, logfile
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        with open(self.logfile, "a") as out:
            self.process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
        if not wait_until(self.answers, timeout=20, every=0.1):
            raise RuntimeError("redis-server did not start")

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)


class Worker:
    """`manage.py task_worker`, as production runs it; kill() is SIGKILL, whatever it is doing."""

    def __init__(self, env: dict[str, str], logfile: Path) -> None:
        self.env, self.logfile = env, logfile
        self.process: subprocess.Popen | None = None
        self.kills = 0

    def start(self) -> None:
        command = [PYTHON, "manage.py", "task_worker", "--no-reload", "--queue-name", "*"]
        with open(self.logfile, "a") as out:
            self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)
            self.kills += 1

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


def gunicorn(env: dict[str, str], port: int, logfile: Path) -> subprocess.Popen:
    command = [str(ROOT / ".venv/bin/gunicorn"), "xieshang.wsgi", "-w", "2", "-k", "gthread", "--threads", "4",
               "-b", f"127.0.0.1:{port}", "--timeout", "120", "--log-level", "warning"]  # fmt: skip
    with open(logfile, "a") as out:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True)  # noqa: S603
    if done.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    return done.stdout


def ensure_database(url: str) -> None:
    """CREATE DATABASE when missing; an existing one is reused, never dropped."""
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


# --- one user's HTTP ------------------------------------------------------------------------------------------------


class FormParser(HTMLParser):
    """The forms of a page as a browser would submit them: action, and the fields with their current values."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action") or "", "method": (a.get("method") or "get").lower(), "fields": []}
            self.forms.append(self._form)
        if self._form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "file", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self._form["fields"].append([name, a.get("value") or ("on" if kind == "checkbox" else "")])
        elif tag == "select" and name:
            self._select = name
            self._form["fields"].append([name, None])
        elif tag == "option" and self._select:
            field_ = next(f for f in reversed(self._form["fields"]) if f[0] == self._select)
            if field_[1] is None or "selected" in a:
                field_[1] = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self._form["fields"].append([name, ""])

    def handle_data(self, data):
        if self._form is not None and self._textarea:
            self._form["fields"][-1][1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def form_on(page: str, page_path: str, action: str) -> list[list[str]] | None:
    """The fields of the page's POST form whose action (relative to the page, "" being the page) is `action`."""
    parser = FormParser()
    parser.feed(page)
    for form in parser.forms:
        target = urllib.parse.urljoin(page_path, html.unescape(form["action"])).split("?")[0].split("#")[0]
        if form["method"] == "post" and target == action:
            return [[k, v or ""] for k, v in form["fields"]]
    return None


@dataclass
class Answer:
    status: int  # 0: no answer (timeout, connection refused or reset)
    ms: float
    location: str = ""
    retry_after: str = ""
    body: str = ""


class Browser:
    """One user: his own source address, his cookies, one connection per request (Connection: close)."""

    def __init__(self, port: int, address: str, stats: Stats) -> None:
        self.port, self.address, self.stats = port, address, stats
        self.cookies: dict[str, str] = {}

    def _keep_cookies(self, response: http.client.HTTPResponse) -> None:
        for header in response.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            with contextlib.suppress(Exception):
                jar.load(header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or (morsel["expires"] and "1970" in morsel["expires"]):
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def request(self, page: str, method: str, path: str, form: list[list[str]] | None = None) -> Answer:
        headers = {"Connection": "close", "Accept-Language": "zh-hans", "User-Agent": "xieshang-faults-load"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if method == "POST":
            body = urllib.parse.urlencode([tuple(pair) for pair in form or []]).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
            headers["Origin"] = f"http://127.0.0.1:{self.port}"
        started = time.perf_counter()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT, source_address=(self.address, 0))
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            conn.close()
        except (OSError, http.client.HTTPException):
            answer = Answer(0, (time.perf_counter() - started) * 1000)
        else:
            self._keep_cookies(response)
            answer = Answer(
                response.status,
                (time.perf_counter() - started) * 1000,
                location=response.getheader("Location") or "",
                retry_after=response.getheader("Retry-After") or "",
                body=text,
            )
        self.stats.record(page, method, path, answer)
        return answer


# --- what happened -------------------------------------------------------------------------------------------------


@dataclass
class Stats:
    started: float = field(default_factory=time.monotonic)
    lock: threading.Lock = field(default_factory=threading.Lock)
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    errors: list[dict] = field(default_factory=list)  # 5xx other than the clean 503, and 503s: when and where
    clean_503: list[dict] = field(default_factory=list)
    events: list[tuple[float, str]] = field(default_factory=list)  # faults: (seconds into the run, what)
    samples: list[tuple[float, float, int]] = field(default_factory=list)  # (sent at, ms, status) of every answer

    def around(self, at: float, seconds: float = 20) -> dict:
        """What users met in the `seconds` after a fault: requests sent then, their p95, their statuses."""
        hit = [(ms, status) for sent, ms, status in self.samples if at <= sent < at + seconds]
        return {
            "requests": len(hit),
            "p95_ms": round(percentile([ms for ms, _s in hit], 0.95)),
            "statuses": dict(Counter(str(s) for _ms, s in hit)),
        }

    def record(self, page: str, method: str, path: str, answer: Answer) -> None:
        at = round(time.monotonic() - self.started, 1)
        with self.lock:
            self.statuses[page][answer.status] += 1
            if answer.status:
                self.times[page].append(answer.ms)
                self.samples.append((at - answer.ms / 1000, answer.ms, answer.status))
            if answer.status == 503 and answer.retry_after:
                self.clean_503.append({"page": page, "at": at})
            elif answer.status >= 500:
                self.errors.append({"page": page, "method": method, "path": path, "status": answer.status, "at": at})

    def event(self, what: str) -> None:
        with self.lock:
            self.events.append((round(time.monotonic() - self.started, 1), what))


@dataclass
class Writes:
    """Every write attempted: its kind, marker, and how it was answered."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    attempts: list[dict] = field(default_factory=list)

    def add(self, **row) -> None:
        with self.lock:
            self.attempts.append(row)


# --- the users -----------------------------------------------------------------------------------------------------


@dataclass
class World:
    """What the users pick from: rooms, open calls, topics open for support (grows as topics are raised)."""

    rooms: list[int]
    calls: list[int]
    topics: list[int]
    lock: threading.Lock = field(default_factory=threading.Lock)

    def topic(self, rng: random.Random) -> int:
        with self.lock:
            return rng.choice(self.topics)

    def add_topic(self, pk: int) -> None:
        with self.lock:
            self.topics.append(pk)


TITLE_WORDS = [
    "小区停车难",
    "老旧电梯加装",
    "垃圾分类点位",
    "社区食堂",
    "夜间施工噪音",
    "口袋公园",
    "充电桩",
    "学校周边交通",
]


class User:
    def __init__(self, index: int, username: str, resident: bool, run: str, ctx: Context) -> None:
        self.index, self.username, self.resident, self.run_id, self.ctx = index, username, resident, run, ctx
        self.rng = random.Random(f"{run}:{index}")
        # An address of his own on the loopback: 127.0.1.1, 127.0.1.2 … (250 to a block).
        self.browser = Browser(ctx.port, f"127.0.{1 + index // 250}.{index % 250 + 1}", ctx.stats)
        self.seq = 0
        self.posts = 0
        self.supported: set[int] = set()
        self.mine: list[str] = []  # detail pages of what he wrote

    def marker(self, kind: str) -> str:
        self.seq += 1
        return f"LT{self.run_id}-{kind}-{self.index:03d}-{self.seq:04d}"

    def sign_in(self) -> bool:
        for _attempt in range(5):
            page = self.browser.request("login (form)", "GET", "/accounts/login/")
            if page.status != 200:
                time.sleep(2)
                continue
            form = form_on(page.body, "/accounts/login/", "/accounts/login/") or []
            fields = dict(form)
            fields.update(username=self.username, password=PASSWORD)
            answer = self.browser.request("login", "POST", "/accounts/login/", list(fields.items()))
            if answer.status == 302 and "sessionid" in self.browser.cookies:
                return True
            time.sleep(2)
        return False

    # pages

    def view(self) -> None:
        ctx = self.ctx
        if self.resident:
            choices = [
                ("workbench", "/workbench/", 3),
                ("portal", "/consultations/portal/", 2),
                ("rooms", "/consultations/rooms/", 1),
                ("room", f"/consultations/rooms/{self.rng.choice(ctx.world.rooms)}/", 3),
                ("topic", f"/consultations/topics/{ctx.world.topic(self.rng)}/", 3),
                ("open calls", "/consultations/portal/calls/", 1),
                ("call", f"/consultations/portal/calls/{self.rng.choice(ctx.world.calls)}/", 2),
                ("notifications", "/notifications/", 1),
            ]
        else:
            choices = [
                ("workbench", "/workbench/", 4),
                ("my proposals", "/proposals/mine/", 2),
                ("my opinion reports", "/opinions/", 2),
                ("portal", "/consultations/portal/", 1),
                ("room", f"/consultations/rooms/{self.rng.choice(ctx.world.rooms)}/", 1),
                ("topic", f"/consultations/topics/{ctx.world.topic(self.rng)}/", 1),
                ("call", f"/consultations/portal/calls/{self.rng.choice(ctx.world.calls)}/", 1),
                ("notifications", "/notifications/", 1),
            ]
        if self.mine:
            page = self.rng.choice(self.mine)
            name = "proposal" if page.startswith("/proposals/") else "opinion report"  # his own, as after writing
            choices.append((name, page, 2))
        name, path, _w = self.rng.choices(choices, weights=[c[2] for c in choices])[0]
        self.browser.request(name, "GET", path)

    # writes: GET the form, post what the page gives with our text in it

    def _post(  # noqa: PLR0913
        self, kind: str, form_page: str, form_path: str, action: str, marker: str, values: dict, after: str
    ) -> str | None:
        page = self.browser.request(form_page, "GET", form_path)
        form = form_on(page.body, form_path, action) if page.status == 200 else None
        if form is None:
            self.ctx.writes.add(
                kind=kind, marker=marker, user=self.username, status=page.status, outcome="form not offered"
            )
            return None
        fields = [[k, v] for k, v in form if k not in values]
        fields += [[k, v] for k, v in values.items()]
        answer = self.browser.request(f"POST {kind}", "POST", action, fields)
        accepted = answer.status == 302 and not answer.location.startswith("/accounts/login")
        outcome = "accepted" if accepted else ("unanswered" if answer.status == 0 else "refused")
        target = urllib.parse.urlsplit(answer.location).path if accepted else ""
        self.ctx.writes.add(
            kind=kind,
            marker=marker,
            user=self.username,
            status=answer.status,
            outcome=outcome,
            target=target,
            at=round(time.monotonic() - self.ctx.stats.started, 1),
            detail=_refusal(answer) if outcome == "refused" else "",
        )
        if accepted:  # the browser follows the redirect to what was written
            self.browser.request(after, "GET", target)
        return target

    def write(self) -> None:
        rng = self.rng
        if self.resident:
            options = ["support"] + (["topic", "entry"] if self.posts < RESIDENT_POSTS else [])
        else:
            options = ["proposal", "proposal", "opinion", "support"]
        kind = rng.choice(options)
        if kind == "topic":
            self.posts += 1
            marker = self.marker("T")
            room = rng.choice(self.ctx.world.rooms)
            title = f"{rng.choice(TITLE_WORDS)} {marker}"
            target = self._post(
                "topic raise", "room", f"/consultations/rooms/{room}/", f"/consultations/rooms/{room}/topics/",
                marker, {"title": title, "body": f"压力测试议题 {marker}：请邻居们一起商量。"}, "topic",
            )  # fmt: skip
            if target and (found := re.search(r"/topics/(\d+)/", target)):
                self.ctx.world.add_topic(int(found.group(1)))
        elif kind == "entry":
            self.posts += 1
            marker = self.marker("E")
            call = rng.choice(self.ctx.world.calls)
            page = f"/consultations/portal/calls/{call}/"
            self._post(
                "call entry", "call", page, f"{page}entries/",
                marker, {"text": f"建议增加社区活动场地，方便老人和孩子。{marker}"}, "call",
            )  # fmt: skip
        elif kind == "proposal":
            marker = self.marker("P")
            target = self._post(
                "proposal draft", "proposal form", "/proposals/new/", "/proposals/new/", marker,
                {"title": f"关于{rng.choice(TITLE_WORDS)}的建议 {marker}",
                 "body": f"压力测试提案正文 {marker}。" + "建议有关部门统筹解决。" * 20}, "proposal",
            )  # fmt: skip
            if target:
                self.mine.append(target)
        elif kind == "opinion":
            marker = self.marker("R")
            target = self._post(
                "opinion report", "opinion form", "/opinions/new/", "/opinions/new/", marker,
                {"title": f"关于{rng.choice(TITLE_WORDS)}的情况反映 {marker}",
                 "body": f"压力测试社情民意 {marker}。" + "群众反映强烈，建议尽快研究。" * 15}, "opinion report",
            )  # fmt: skip
            if target:
                self.mine.append(target)
        else:
            topic = self.ctx.world.topic(rng)
            if topic in self.supported:
                return self.view()
            self.supported.add(topic)
            self._post(
                "topic support", "topic", f"/consultations/topics/{topic}/", f"/consultations/topics/{topic}/support/",
                f"S:{self.username}:{topic}", {}, "topic",
            )  # fmt: skip

    def run(self, until: float) -> None:
        think_low, think_high = self.ctx.think
        time.sleep(self.rng.uniform(0, think_high))  # users arrive spread over the first pause
        while time.monotonic() < until:
            if self.rng.random() < self.ctx.write_share:
                self.write()
            else:
                self.view()
            time.sleep(self.rng.uniform(think_low, think_high))


def _refusal(answer: Answer) -> str:
    found = re.search(r'class="[^"]*(?:errorlist|alert-error|form-error)[^"]*"[^>]*>(.*?)</', answer.body, re.S)
    return re.sub(r"<[^>]+>|\s+", " ", found.group(1)).strip()[:120] if found else f"HTTP {answer.status}"


@dataclass
class Context:
    port: int
    stats: Stats
    writes: Writes
    world: World
    think: tuple[float, float]
    write_share: float


# --- the run -------------------------------------------------------------------------------------------------------


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=300)
    parser.add_argument("--kills", type=int, default=2, help="SIGKILLs of the task worker during the run")
    parser.add_argument("--redis-restarts", type=int, default=1)
    parser.add_argument("--redis-down-seconds", type=float, default=5)
    parser.add_argument("--think", default="1,4", help="pause between a user's requests, seconds: low,high")
    parser.add_argument("--write-share", type=float, default=0.25, help="share of a user's actions that write")
    parser.add_argument("--residents", type=float, default=0.2, help="share of the users who are residents")
    parser.add_argument("--drain-seconds", type=int, default=240, help="wait this long for the task queue to empty")
    parser.add_argument("--database-url", default=os.environ.get("FAULTS_LOAD_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--port", type=int, default=int(os.environ.get("FAULTS_LOAD_PORT", "8971")))
    parser.add_argument("--out", default=str(HERE / "results-load.jsonl"), help="append the JSON line here ('' not)")
    parser.add_argument("--workdir", default="/tmp/xieshang-faults-load", help="logs of the servers and the worker")
    parser.add_argument("--seed", default="", help="run marker (random by default)")
    return parser.parse_args()


def prepare(args, env: dict[str, str]) -> None:
    ensure_database(args.database_url)
    log("migrate, collectstatic, demo data (built once per database)")
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "collectstatic", "--noinput", "-v", "0")
    manage(env, "demo_data", "--scale", "0.1", "--quiet-accounts")


def setup_django(env: dict[str, str]) -> None:
    os.environ.update({k: v for k, v in env.items() if k not in ("PYTHONUNBUFFERED",)})
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def cast(args) -> tuple[list[tuple[str, bool]], World]:
    """The users (residents first, then members) and what they pick from."""
    from django.contrib.auth import get_user_model

    from xieshang.accounts.models import Organization, Role
    from xieshang.consultations import selectors
    from xieshang.consultations.models import Room, Topic

    org = Organization.objects.get(code="zhengzhou")
    users = get_user_model().objects.filter(is_active=True, must_change_password=False, role_grants__organization=org)
    residents = list(
        users.filter(role_grants__role=Role.CITIZEN).order_by("username").values_list("username", flat=True).distinct()
    )
    members = list(
        users.filter(role_grants__role=Role.MEMBER)
        .exclude(role_grants__role__in=[r for r in Role.values if r not in (Role.MEMBER, Role.STANDING_MEMBER)])
        .order_by("username")
        .values_list("username", flat=True)
        .distinct()
    )
    n_residents = min(len(residents), round(args.users * args.residents))
    chosen = [(u, True) for u in residents[:n_residents]] + [(u, False) for u in members[: args.users - n_residents]]
    if len(chosen) < args.users:
        raise SystemExit(f"only {len(chosen)} users without a second factor in the demo organization")
    rooms = list(Room.objects.filter(organization=org).values_list("pk", flat=True))
    calls = [c.pk for c in selectors.open_calls(org)]
    topics = list(
        Topic.objects.filter(organization=org, state__key="raised").values_list("pk", flat=True)
    )  # open for support
    return chosen, World(rooms=rooms, calls=calls, topics=topics)


def task_counts(since: datetime | None = None) -> dict[str, int]:
    from django.db.models import Count
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult, get_date_max

    rows = DBTaskResult.objects.all()
    if since is not None:
        rows = rows.filter(enqueued_at__gte=since)
    counts = {r["status"]: r["n"] for r in rows.values("status").annotate(n=Count("id"))}
    # ready(): READY and due (run_after is the far future's sentinel for "now", or passed).
    # Claimed by more than one worker: run again after a kill (the lease at work) or handed back at a stop.
    counts["claimed_again"] = sum(1 for ids in rows.values_list("worker_ids", flat=True) if len(ids or []) > 1)
    counts["due_waiting"] = DBTaskResult.objects.ready().count()
    counts["running"] = DBTaskResult.objects.running().count()
    counts["scheduled_later"] = (
        DBTaskResult.objects.filter(status="READY", run_after__gt=timezone.now())
        .exclude(run_after=get_date_max())
        .count()
    )
    return counts


def drained() -> bool:
    counts = task_counts()
    return counts["due_waiting"] == 0 and counts["running"] == 0


def faults_plan(args) -> list[tuple[float, str]]:
    """Kills spread over the run, the Redis restart between them."""
    plan = [(args.seconds * (i + 1) / (args.kills + 1), "kill worker") for i in range(args.kills)]
    plan += [
        (args.seconds * (i + 1) / (args.redis_restarts + 1) + 7, "restart redis") for i in range(args.redis_restarts)
    ]
    return sorted(plan)


def inject(plan, started: float, worker: Worker, redis: Redis, stats: Stats, stop: threading.Event, args) -> None:
    for at, what in plan:
        if stop.wait(max(0.0, started + at - time.monotonic())):
            return
        if what == "kill worker":
            worker.kill()
            stats.event("worker SIGKILLed")
            time.sleep(2)
            worker.start()
            stats.event("worker started")
        else:
            redis.stop()
            stats.event("redis stopped")
            time.sleep(args.redis_down_seconds)
            redis.start()
            stats.event("redis started")


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def verify(run: str, writes: Writes) -> dict:
    """Every write answered as accepted is stored exactly once; writes that were refused are not stored."""
    from xieshang.consultations.models import Entry, Support, Topic
    from xieshang.opinions.models import Report
    from xieshang.proposals.models import Proposal

    prefix = f"LT{run}-"
    stored: Counter = Counter()
    for model, column in ((Topic, "title"), (Entry, "text"), (Proposal, "title"), (Report, "title")):
        for value in model.objects.filter(**{f"{column}__contains": prefix}).values_list(column, flat=True):
            found = re.search(rf"{re.escape(prefix)}[A-Z]-\d+-\d+", value)
            if found:
                stored[found.group(0)] += 1
    attempts = writes.attempts
    lost, duplicated, stored_not_accepted = [], [], []
    supports = {
        (u, t)
        for u, t in Support.objects.filter(user__username__in={a["user"] for a in attempts}).values_list(
            "user__username", "topic_id"
        )
    }
    for a in attempts:
        if a["marker"].startswith("S:"):
            _s, user, topic = a["marker"].split(":")
            here = (user, int(topic)) in supports
            if a["outcome"] == "accepted" and not here:
                lost.append(a)
            continue
        count = stored[a["marker"]]
        if a["outcome"] == "accepted" and count == 0:
            lost.append(a)
        if count > 1:
            duplicated.append(a)
        if a["outcome"] != "accepted" and count:
            stored_not_accepted.append(a)
    # The support counter of every topic supported in the run matches its rows (no lost update under concurrency).
    touched = {int(a["marker"].split(":")[2]) for a in attempts if a["marker"].startswith("S:")}
    drift = [
        t.pk for t in Topic.objects.filter(pk__in=touched) if t.support_count != Support.objects.filter(topic=t).count()
    ]
    return {
        "lost": lost,
        "duplicated": duplicated,
        "stored_not_accepted": stored_not_accepted,
        "support_count_drift": drift,
    }


def main() -> int:  # noqa: C901, PLR0915 - one run, start to end, read top to bottom
    args = options()
    think = tuple(float(x) for x in args.think.split(","))
    run = args.seed or f"{random.randrange(16**6):06x}"
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    redis = Redis(free_port(6393), workdir / "redis.log")
    port = free_port(args.port)
    env = app_env(args.database_url, redis.port, str(workdir / "static"))
    prepare(args, env)
    redis.start()
    worker = Worker(env, workdir / "worker.log")
    server = None
    stop = threading.Event()
    try:
        setup_django(env)
        users, world = cast(args)
        log(f"run {run}: {len(users)} users ({sum(r for _u, r in users)} residents), {len(world.rooms)} rooms, "
            f"{len(world.calls)} open calls, {len(world.topics)} topics open for support")  # fmt: skip
        server = gunicorn(env, port, workdir / "gunicorn.log")
        worker.start()
        if not wait_until(lambda: _healthy(port), timeout=180, every=0.5):
            raise RuntimeError(f"gunicorn did not answer /healthz; see {workdir / 'gunicorn.log'}")
        log(f"waiting for the task queue left by earlier runs or the demo build to drain: {task_counts()}")
        wait_until(drained, timeout=300, every=2)
        backlog_left = task_counts()["due_waiting"]
        stats = Stats()
        ctx = Context(port=port, stats=stats, writes=Writes(), world=world, think=think, write_share=args.write_share)
        people = [User(i, name, resident, run, ctx) for i, (name, resident) in enumerate(users)]

        log(f"signing in {len(people)} users through the login form")
        signed = _parallel([lambda p=p: p.sign_in() for p in people], width=16)
        if not all(signed):
            raise RuntimeError(f"{signed.count(False)} users could not sign in")
        login_stats = dict(stats.statuses)

        load_before = os.getloadavg()
        stats.started = started = time.monotonic()
        since = datetime.now(UTC) - timedelta(seconds=1)
        stats.times.clear()
        stats.statuses.clear()
        stats.samples.clear()
        until = started + args.seconds
        log(f"load: {len(people)} users for {args.seconds} s; faults at {faults_plan(args)}")
        faults = threading.Thread(target=inject, args=(faults_plan(args), started, worker, redis, stats, stop, args))
        faults.start()
        threads = [threading.Thread(target=p.run, args=(until,), daemon=True) for p in people]
        for thread in threads:
            thread.start()
        loads = []
        while time.monotonic() < until:
            time.sleep(min(15, max(0.1, until - time.monotonic())))
            loads.append(os.getloadavg()[0])
        for thread in threads:
            thread.join(timeout=TIMEOUT + 30)
        elapsed = time.monotonic() - started
        stop.set()
        faults.join()

        log(f"load done in {elapsed:.0f} s; draining the task queue (up to {args.drain_seconds} s)")
        drain_started = time.monotonic()
        wait_until(drained, timeout=args.drain_seconds, every=2)
        drain_seconds = time.monotonic() - drain_started
        tasks = task_counts(since)
        checked = verify(run, ctx.writes)
    finally:
        stop.set()
        if server is not None:
            server.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                server.wait(timeout=30)
        worker.stop()
        redis.stop()

    pages = sorted(stats.statuses)
    requests = sum(sum(c.values()) for c in stats.statuses.values())
    attempts = ctx.writes.attempts
    by_kind: dict[str, Counter] = defaultdict(Counter)
    for a in attempts:
        by_kind[a["kind"]][a["outcome"]] += 1
    refusals = Counter(a["detail"] for a in attempts if a["outcome"] == "refused")
    result = {
        "test": f"load_{args.users}",
        "users": args.users,
        "residents": sum(r for _u, r in users),
        "seconds": round(elapsed),
        "think_s": list(think),
        "run": run,
        "requests": requests,
        "rps": round(requests / elapsed, 1),
        "server_errors": len(stats.errors),
        "server_errors_by_page": dict(Counter(e["page"] for e in stats.errors)),
        "clean_503_retry_after": len(stats.clean_503),
        "clean_503_at_s": sorted({e["at"] for e in stats.clean_503})[:20],
        "no_answer": sum(c[0] for c in stats.statuses.values()),
        "writes": {kind: dict(c) for kind, c in sorted(by_kind.items())},
        "writes_accepted": sum(1 for a in attempts if a["outcome"] == "accepted"),
        "lost_writes": len(checked["lost"]),
        "duplicated_writes": len(checked["duplicated"]),
        "stored_though_not_accepted": len(checked["stored_not_accepted"]),
        "support_count_drift": len(checked["support_count_drift"]),
        "refusals": dict(refusals.most_common(8)),
        "tasks_enqueued": sum(v for k, v in tasks.items() if k.isupper()),
        "tasks_by_status": {k: v for k, v in tasks.items() if k.isupper()},
        "tasks_claimed_again": tasks["claimed_again"],
        "tasks_left_due_or_running": tasks["due_waiting"] + tasks["running"],
        "tasks_scheduled_later": tasks["scheduled_later"],
        "backlog_before_run": backlog_left,
        "drain_s": round(drain_seconds, 1),
        "worker_kills": worker.kills,
        "faults": [f"{at}s {what}" for at, what in stats.events],
        "after_faults_20s": {
            f"{what} at {at}s": stats.around(at) for at, what in stats.events if what != "worker started"
        },
        "p95_ms_all_pages": round(percentile([ms for _t, ms, _s in stats.samples], 0.95)),
        "p50_ms": {p: round(statistics.median(stats.times[p])) for p in pages if stats.times[p]},
        "p95_ms": {p: round(percentile(stats.times[p], 0.95)) for p in pages if stats.times[p]},
        "count": {p: sum(stats.statuses[p].values()) for p in pages},
        "statuses": {p: {str(k): v for k, v in sorted(stats.statuses[p].items())} for p in pages},
        "login_statuses": {p: {str(k): v for k, v in c.items()} for p, c in login_stats.items()},
        "load_avg_before": [round(x, 1) for x in load_before],
        "load_avg_during_max": round(max(loads), 1) if loads else None,
        "load_avg_after": [round(x, 1) for x in os.getloadavg()],
        "cores": os.cpu_count(),
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }
    line = json.dumps(result, ensure_ascii=False)
    print(line, flush=True)
    if args.out:
        with open(args.out, "a", encoding="utf-8") as out:
            out.write(line + "\n")
    for e in stats.errors[:20]:
        log(f"server error: {e}")
    for a in (checked["lost"] + checked["duplicated"])[:20]:
        log(f"lost or duplicated: {a}")
    failed = (
        not result["writes_accepted"]
        or result["server_errors"]
        or result["lost_writes"]
        or result["duplicated_writes"]
        or result["support_count_drift"]
        or result["tasks_left_due_or_running"]
        or result["tasks_by_status"].get("FAILED", 0)
    )
    return 1 if failed else 0


def _healthy(port: int) -> bool:
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        conn.request("GET", "/healthz")
        return conn.getresponse().status in (200, 503)
    except OSError:
        return False


def _parallel(calls, width: int) -> list:
    results: list = [None] * len(calls)
    index = iter(range(len(calls)))
    lock = threading.Lock()

    def work():
        while True:
            with lock:
                i = next(index, None)
            if i is None:
                return
            results[i] = calls[i]()

    threads = [threading.Thread(target=work) for _ in range(width)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


if __name__ == "__main__":
    sys.exit(main())
