"""The ranked window is the newest RANK_WINDOW matches the reader may see, whatever the back-end does to find them
fast (PostgreSQL: newest blocks of 4,096 ids first, then a quarter, then everything; SQLite: FTS5 streaming minus-id
rowids). Ids are spread over 16 blocks so that every PostgreSQL step is taken."""

import pytest
from django.db import connection

from xieshang.search.backends import get_backend
from xieshang.search.models import SearchDocument
from xieshang.search.services import _where

pytestmark = pytest.mark.django_db

IDS = [400, 20000, 80000, 160000, 200000, 244000, 248000, 252000, 256000, 260000]
# Newest block 61, not the last of a large block: the ranges then start with small-block lexemes.
IDS_UNALIGNED = [400, 20000, 150000, 190000, 200000, 236000, 240000, 242000, 246000, 250000]


@pytest.fixture(params=[IDS, IDS_UNALIGNED], ids=["aligned", "unaligned"])
def spread(request, doc_type, org_a, author):
    ids = request.param
    hidden = ids[-2] + 1000  # restricted to someone else: never in the reader's window
    for i in [*ids, hidden]:
        SearchDocument.objects.create(
            id=i,
            doc_type=doc_type.key,
            object_id=i,
            organization=org_a,
            title=f"停车 {i}",
            body="小区停车难",
            seg_title="停车",
            seg_body="小区 停车 停车难",
            visibility="restricted" if i == hidden else "organization",
            viewer_user_ids=" 999999 " if i == hidden else "",
        )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE search_match")
    return author, ids


@pytest.mark.parametrize("window", [1, 3, 4, 5, 6, 7, 8, 10, 11, 500])
def test_window_is_the_newest_visible_matches(spread, window):
    reader, IDS = spread  # noqa: N806
    where, params, gate = _where(reader, None)
    page = get_backend().search(["停车"], where, params, offset=0, limit=50, window=window, gate=gate)
    newest = sorted(IDS, reverse=True)[:window]
    assert sorted((pk for pk, _ in page.hits), reverse=True) == newest
    assert page.total == len(newest) and page.capped == (len(IDS) >= window)
    assert set(page.docs) == set(newest) and all(d["title"].startswith("停车") for d in page.docs.values())


def test_pages_and_past_the_end(spread):
    reader, IDS = spread  # noqa: N806
    where, params, gate = _where(reader, None)
    backend = get_backend()
    first = backend.search(["停车"], where, params, offset=0, limit=4, window=500, gate=gate)
    second = backend.search(["停车"], where, params, offset=4, limit=4, window=500, gate=gate)
    assert len(first.hits) == 4 and len(second.hits) == 4
    assert not {pk for pk, _ in first.hits} & {pk for pk, _ in second.hits}
    beyond = backend.search(["停车"], where, params, offset=40, limit=4, window=500, gate=gate)
    assert beyond.hits == [] and beyond.total == len(IDS)
    assert backend.count(["停车"], where, params, gate=gate) == len(IDS)
