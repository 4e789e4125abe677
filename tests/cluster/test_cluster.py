"""The platform on several machines (decision 0042), tested through the local cluster (scripts/cluster.py): two
gunicorn app servers behind nginx, PostgreSQL primary + streaming replica behind PgBouncer, Redis, two task workers.
Everything goes through the real pages and processes: sign in, submit forms, read pages, kill a worker."""

from __future__ import annotations

import random
import re
import time
import uuid

import pytest
import requests

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SUBMISSION = re.compile(r'name="submission_token" value="([^"]+)"')
pytestmark = pytest.mark.cluster  # not in `make test`: `make cluster-test` runs these


@pytest.fixture(scope="module")
def people(cluster):
    return cluster.job(f"people({cluster.tag!r})")


def sign_in(base: str, username: str, password: str) -> requests.Session:
    browser = requests.Session()
    page = browser.get(f"{base}/accounts/login/", timeout=30)
    token = CSRF.search(page.text).group(1)
    answer = browser.post(
        f"{base}/accounts/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token},
        timeout=30,
    )
    assert answer.status_code == 200 and "/accounts/login/" not in answer.url, answer.text[:500]
    return browser


def write_micro_proposal(browser: requests.Session, base: str, title: str, attachment: bytes | None = None) -> str:
    """Fill in and save the micro-proposal form; the address of the saved draft."""
    form = browser.get(f"{base}/proposals/micro/new/", timeout=30)
    assert form.status_code == 200, form.text[:500]
    data = {
        "csrfmiddlewaretoken": CSRF.search(form.text).group(1),
        "submission_token": SUBMISSION.search(form.text).group(1),
        "title": title,
        "body": "老旧小区加装电梯的补贴标准应当统一，审批流程应当简化。" * 3,
    }
    files = {"attachments": ("说明.txt", attachment, "text/plain")} if attachment else None
    answer = browser.post(f"{base}/proposals/micro/new/", data=data, files=files, timeout=60)
    assert answer.status_code == 200 and re.search(r"/proposals/\d+/$", answer.url), (answer.url, answer.text[:800])
    return answer.url.removeprefix(base)


def on(base: str, browser: requests.Session, path: str) -> requests.Response:
    answer = browser.get(f"{base}{path}", timeout=30)
    assert answer.status_code == 200, (path, answer.status_code, answer.text[:300])
    return answer


def test_a_write_on_one_app_server_is_read_on_the_other_with_its_upload(cluster, people):
    """Sign in on server 1, save a proposal with an attachment there; server 2 shows it and serves the file (the
    session in Redis and the database, the file on the shared storage)."""
    browser = sign_in(cluster.app(1), people["members"][0], people["password"])
    title = f"关于加装电梯的建议 {uuid.uuid4().hex[:8]}"
    content = f"附件内容 {uuid.uuid4().hex}".encode()
    path = write_micro_proposal(browser, cluster.app(1), title, attachment=content)
    page = on(cluster.app(2), browser, path)  # the same session cookie, the other server
    assert title in page.text
    link = re.search(rf'href="({re.escape(path)}attachments/\d+/)"', page.text)
    assert link, page.text[:2000]
    download = on(cluster.app(2), browser, link.group(1))
    assert download.content == content
    # And through nginx, whichever server answers.
    for _ in range(4):
        assert title in on(cluster.nginx, browser, path).text


def test_a_lag_tolerant_list_reads_the_replica_but_the_writer_reads_his_own_writes(cluster, people):
    """Replay paused on the replica: the writer's list shows his new proposal at once (read your writes) on the
    other server; once his window has passed the same list (declared lag-tolerant) lags, while the proposal's own
    page (not declared) does not; replay resumed, the list catches up."""
    browser = sign_in(cluster.app(1), people["members"][1], people["password"])
    window = float(cluster.env["XIESHANG_READ_YOUR_WRITES_SECONDS"])
    time.sleep(window + 0.5)  # the sign-in (a POST) marked him as a writer too
    cluster.sql("replica", "SELECT pg_wal_replay_pause()")
    try:
        title = f"关于停车难的建议 {uuid.uuid4().hex[:8]}"
        path = write_micro_proposal(browser, cluster.app(1), title)
        written = time.monotonic()
        mine = on(cluster.app(2), browser, "/proposals/mine/")
        assert title in mine.text, "the writer's own list must show his write at once"
        assert time.monotonic() - written < window
        time.sleep(max(0.0, window + 0.5 - (time.monotonic() - written)))
        assert cluster.sql("replica", "SELECT pg_is_wal_replay_paused()") is True
        lagging = on(cluster.app(2), browser, "/proposals/mine/")
        assert title not in lagging.text, "past the window, the list is read from the (paused) replica"
        assert title in on(cluster.app(2), browser, path).text, "a page not declared lag-tolerant reads the primary"
    finally:
        cluster.sql("replica", "SELECT pg_wal_replay_resume()")
    deadline = time.monotonic() + 20
    while title not in on(cluster.app(2), browser, "/proposals/mine/").text:
        assert time.monotonic() < deadline, "the replica did not catch up"
        time.sleep(0.3)


def test_the_second_worker_finishes_what_the_first_died_in(cluster):
    """Worker 2 stopped; tasks seeded; worker 1 SIGKILLed while it works; worker 2 started: every task is done
    once, none lost (the fault tests' workload and recorders), and worker 2 finished what worker 1 left."""
    # Enough that worker 1 cannot finish them all between two polls of a busy machine (it did, once, with 120).
    total = 600
    seeded = cluster.record / f"seeded-{cluster.tag}.json"
    cluster.ctl("stop", "worker2")
    try:
        since = cluster.job(f"seed_tasks({total}, {cluster.tag!r}, {str(seeded)!r})")["since"]
        rows = f"SELECT COUNT(*) FROM django_tasks_database_dbtaskresult WHERE enqueued_at >= '{since}'"
        unfinished = f"{rows} AND status IN ('READY', 'RUNNING')"
        done = f"{rows} AND status = 'SUCCESSFUL'"
        deadline = time.monotonic() + 120
        while cluster.sql("primary", done) < 5:  # worker 1 is at work
            assert time.monotonic() < deadline, "worker 1 did not take tasks"
            time.sleep(0.1)
        time.sleep(random.uniform(0, 0.2))  # noqa: S311
        worker1 = cluster.pid("worker1")
        cluster.ctl("kill", "worker1")
        left = cluster.sql("primary", unfinished)
        assert left > 0, "worker 1 finished everything before it was killed: seed more tasks"
        cluster.ctl("start", "worker2")
        worker2 = cluster.pid("worker2")
        deadline = time.monotonic() + 180
        while cluster.sql("primary", unfinished):
            assert time.monotonic() < deadline, "worker 2 did not finish the queue"
            time.sleep(0.5)
        result = cluster.job(f"count_tasks({str(seeded)!r}, {{'worker1': {worker1}, 'worker2': {worker2}}})")
    finally:
        cluster.ctl("start", "worker1")
        cluster.ctl("start", "worker2")
    print(result)
    assert (result["done_once"], result["duplicated"], result["lost"]) == (total, 0, 0), result
    assert result["finished_by"].get("worker1", 0) > 0 and result["finished_by"].get("worker2", 0) > 0, result
