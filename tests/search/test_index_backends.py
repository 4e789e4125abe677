"""Both back-ends answer the same: each run checks the ids against a reference computed in Python from the index
tokens (a document matches when its tokens hold every query term), and a run on SQLite also runs this module on
PostgreSQL when one is reachable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from xieshang.search.dictionary import current_segmenter
from xieshang.search.services import query_terms, search
from xieshang.search.tokens import index_text

pytestmark = pytest.mark.django_db

CORPUS = [
    ("关于加快老旧小区改造的建议", "老旧小区外墙保温层脱落，供水管网老化漏水。建议纳入年度改造计划。", 2022),
    ("既有住宅加装电梯协调难", "六层住宅没有电梯，老人上下楼困难，建议出台加装电梯协调办法。", 2022),
    ("关于小区周边停车难的建议", "金水区一些小区周边停车难，建议挖潜增设停车泊位。", 2023),
    ("关于推进垃圾分类的提案", "垃圾桶设置不合理，建议优化分类投放点，加强宣传。", 2023),
    ("背街小巷路面破损亟待解决", "二七区背街小巷路面破损，路灯长期不亮，存在安全隐患。", 2024),
    ("关于托育服务的建议", "公办托育机构少，收费高，建议增加普惠托育供给。", 2024),
    ("委托育儿服务规范", "委托育儿合同不规范，建议出台示范文本。", 2024),
    ("学前教育学位不足", "公办幼儿园学位不足，热点学校大班额。", 2021),
    ("ＡＩ辅助诊疗与5G网络", "推广AI辅助诊疗，5G网络覆盖乡镇卫生院。", 2025),
    ("关于加强物业管理的建议", "物业费上涨但服务不到位，建议加强物业服务考核。小区停车管理混乱。", 2025),
]
QUERIES = [
    "小区",
    "老旧小区",
    "小区改造",
    "停车",
    "停车难",
    "加装电梯",
    "托育",
    "委托育儿",
    "ai",
    "5g 网络",
    "物业 停车",
    "路灯 小区",
    "学位不足",
    "关于小区周边停车难的建议",
    "不存在的词语",
]


@pytest.fixture
def corpus(make_note):
    notes = [make_note(title, body, year=year) for title, body, year in CORPUS]
    return {note.pk: (title, body) for note, (title, body, _) in zip(notes, CORPUS, strict=True)}


def reference_ids(corpus: dict, query: str) -> list[int]:
    segmenter = current_segmenter()
    terms, _ = query_terms(query)
    out = []
    for pk, (title, body) in corpus.items():
        tokens = set(index_text(segmenter, title).split()) | set(index_text(segmenter, body).split())
        if terms and all(t in tokens for t in terms):
            out.append(pk)
    return sorted(out)


@pytest.mark.parametrize("query", QUERIES)
def test_ids_match_the_token_reference(corpus, author, query):
    results = search(author, query)
    assert sorted(h.object_id for h in results.hits) == reference_ids(corpus, query)
    assert results.total == len(results.hits)


def test_reference_is_not_trivial(corpus):
    counts = [len(reference_ids(corpus, q)) for q in QUERIES]
    assert max(counts) >= 3 and counts[-1] == 0 and sum(1 for c in counts if c == 1) >= 3


def test_filters_and_order_do_not_depend_on_the_backend(corpus, author):
    results = search(author, "小区", {"year": 2022})
    assert len(results.hits) == 1
    # A title match outranks a body-only match on both back-ends (title weight).
    hits = search(author, "停车").hits
    assert "停车" in hits[0].title_html


def _postgres_reachable(url: str) -> bool:
    try:
        import psycopg

        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", connect_timeout=2):
            return True
    except Exception:
        return False


def test_same_ids_on_postgresql():
    if connection.vendor == "postgresql":
        pytest.skip("this run is on PostgreSQL already: the reference tests above compare it")
    # Its own database name, so that the subprocess never meets another run's test database.
    url = os.environ.get("XIESHANG_TEST_PG_URL", "postgres://postgres@127.0.0.1:5432/xieshang_parity")
    if not _postgres_reachable(url):
        pytest.skip(f"PostgreSQL not reachable at {url}")
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "DATABASE_URL": url}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            f"{__file__}::test_ids_match_the_token_reference",
            f"{__file__}::test_filters_and_order_do_not_depend_on_the_backend",
        ],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
