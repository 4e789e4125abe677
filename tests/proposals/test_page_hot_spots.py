"""The hot spots of issue 18, each pinned: the statistics page's keywords come from a task and a cache; the public
list reads a published-reply column (no scan of replies); "mine" lists are a UNION of indexed queries; the
after-transition hook counts after commit and queues one retraining at a time."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.proposals.test_views_support import login, make_proposal
from xieshang.proposals import search_wiring, selectors, services
from xieshang.search import keyword_cache as keywords
from xieshang.search import selectors as search_selectors
from xieshang.search import tasks as search_tasks
from xieshang.search.indexing import index_now

pytestmark = pytest.mark.django_db


def _indexed(proposal):
    index_now(search_wiring.doc_type_of(proposal), proposal.pk)  # as the task does after commit
    return proposal


def _counting(monkeypatch, module, name):
    calls = []
    real = getattr(module, name)

    def counted(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def test_statistics_keywords_are_counted_by_a_task_once_per_index_change(client, world, monkeypatch):
    w = world
    _indexed(make_proposal(w, title="关于加快老旧小区改造的建议", to="submitted"))
    calls = _counting(monkeypatch, search_selectors, "top_terms")
    login(client, w.staff)
    html = client.get(reverse("proposals:stats")).content.decode()
    assert len(calls) == 2  # by sector and by category, by the task (immediate in tests), on the first view
    assert 'data-testid="terms-pending"' not in html
    client.get(reverse("proposals:stats"))
    client.get(reverse("proposals:stats"))
    assert len(calls) == 2  # later views read the cache: no request segments the proposals again
    _indexed(make_proposal(w, title="关于改善社区养老服务的建议", body="社区养老服务设施不足。" * 5, to="submitted"))
    html = client.get(reverse("proposals:stats")).content.decode()
    assert len(calls) == 4
    assert "养老" in html


def test_statistics_keywords_say_when_they_are_still_being_counted(client, world, monkeypatch):
    w = world
    _indexed(make_proposal(w, to="submitted"))
    queued = []
    busy_worker = SimpleNamespace(enqueue=lambda *a, **k: queued.append(a))
    monkeypatch.setattr(search_tasks, "compute_top_terms", busy_worker)
    login(client, w.staff)
    html = client.get(reverse("proposals:stats")).content.decode()
    assert 'data-testid="terms-pending"' in html
    client.get(reverse("proposals:stats"))
    assert len(queued) == 2  # one per section, not one per view while pending
    for args in queued:
        keywords.compute(*args)
    assert 'data-testid="terms-pending"' not in client.get(reverse("proposals:stats")).content.decode()


def test_public_list_reads_the_published_column_not_the_replies(client, world):
    w = world
    shown = make_proposal(w, title="已公开答复的提案", to="replied")
    hidden = make_proposal(w, title="答复未公开的提案", to="replied")
    assert shown.published_reply_at is None
    services.reply_publish(actor=w.staff, reply=shown.replies.get())
    shown.refresh_from_db()
    assert shown.published_reply_at is not None
    url = reverse("proposals:public_list", args=[w.org.code])
    with CaptureQueriesContext(connection) as ctx:
        html = client.get(url).content.decode()
    assert shown.title in html and hidden.title not in html
    listing = [q["sql"] for q in ctx.captured_queries if "proposals_proposal" in q["sql"]]
    assert listing and not [sql for sql in listing if "EXISTS" in sql and "proposals_reply" in sql]


def test_a_members_list_is_a_union_of_indexed_queries(world):
    w = world
    own = make_proposal(w, title="自己领衔", to="submitted")
    cosigned = make_proposal(w, title="联名", to="submitted")
    other = make_proposal(w, title="别人的", to="submitted", cosign=False)
    seen = selectors.visible_proposals(w.co1, w.org)
    sql = str(seen.query)
    assert "UNION" in sql and " OR " not in sql.split("UNION")[0]
    ids = set(seen.values_list("pk", flat=True))
    assert cosigned.pk in ids and own.pk in ids and other.pk not in ids
    assert set(selectors.visible_proposals(w.lead, w.org).values_list("pk", flat=True)) >= {own.pk, other.pk}
    # an overseer's view stays one condition (the role opens the whole organization)
    assert "UNION" not in str(selectors.visible_proposals(w.staff, w.org).query)


def test_retraining_is_checked_after_commit_and_queued_once(world, monkeypatch, django_capture_on_commit_callbacks):
    w = world
    monkeypatch.setattr(search_wiring, "RETRAIN_EVERY", 1)
    queued = []
    monkeypatch.setattr(
        search_tasks, "retrain_routing", SimpleNamespace(enqueue=lambda org_id, *a: queued.append(org_id))
    )
    counted = []
    real = search_wiring._retrain_if_due
    monkeypatch.setattr(search_wiring, "_retrain_if_due", lambda org_id: counted.append(org_id) or real(org_id))
    with django_capture_on_commit_callbacks() as callbacks:
        search_wiring._maybe_retrain(w.org.pk)
        search_wiring._maybe_retrain(w.org.pk)
        assert counted == []  # nothing counted inside the transaction
    assert len(callbacks) == 2
    make_proposal(w, to="assigned")
    make_proposal(w, to="assigned")
    for callback in callbacks:
        callback()
    assert queued == [w.org.pk]  # one retraining queued while one is pending
    search_tasks.cache.delete(search_tasks.RETRAIN_PENDING.format(w.org.pk))  # the task ran
    real(w.org.pk)
    assert queued == [w.org.pk, w.org.pk]
