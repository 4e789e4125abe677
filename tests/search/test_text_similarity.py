import random

import pytest

from xieshang.search.text.similarity import SimilarityIndex, shared_passages, shared_passages_difflib, similarity

DOCS = [
    (1, "关于加快老旧小区改造和加装电梯的建议。我市许多老旧小区建于上世纪九十年代，没有电梯，老年人上下楼困难。"),
    (2, "建议规范外卖骑手交通行为，电动自行车闯红灯、逆行现象严重，交警部门应加强执法。"),
    (3, "关于加强校园周边食品安全监管的建议，学校周边小摊贩销售三无食品，市场监管局应加强检查。"),
    (4, "推进垃圾分类工作，小区垃圾桶设置不合理，分类投放率低，居民参与积极性不高。"),
    (5, "关于增加社区养老服务设施的建议，日间照料中心数量不足，老年食堂覆盖面小。"),
    (6, "缓解医院周边停车难问题，就医高峰时段车辆排队进场，造成道路拥堵。"),
]
PARAPHRASE = "老旧小区没有电梯，老人上下楼很不方便，希望政府加快既有住宅加装电梯进度。"


@pytest.fixture
def index():
    return SimilarityIndex().fit(DOCS)


def test_paraphrase_ranks_above_unrelated(index):
    hits = index.query(PARAPHRASE, k=3)
    assert hits[0][0] == 1
    assert hits[0][1] > 2 * hits[1][1]
    assert all(0.0 <= s <= 1.0 for _, s in hits)


def test_pairwise_similarity_equals_index_score(index):
    scores = dict(index.query(PARAPHRASE, k=10))
    for doc_id, text in DOCS:
        assert index.similarity(PARAPHRASE, text) == pytest.approx(scores.get(doc_id, 0.0), abs=1e-5)
    assert index.similarity(DOCS[0][1], DOCS[0][1]) == pytest.approx(1.0, abs=1e-5)
    assert similarity("", DOCS[0][1]) == 0.0


def test_add_and_remove_take_effect_at_once(index):
    index.add(7, PARAPHRASE)
    assert index.query(PARAPHRASE, k=1) == [(7, pytest.approx(1.0, abs=1e-5))]
    index.remove(7)
    assert 7 not in [i for i, _ in index.query(PARAPHRASE)]
    index.remove(1)
    assert index.query(PARAPHRASE, k=1)[0][0] != 1
    # Re-adding an id replaces its text.
    index.add(2, DOCS[0][1])
    assert index.query(PARAPHRASE, k=1)[0][0] == 2
    assert len(index) == 5


def test_delta_merge_and_serialization_keep_results():
    index = SimilarityIndex(merge_every=3).fit(DOCS[:2])
    for doc_id, text in DOCS[2:]:
        index.add(doc_id, text)  # crosses the merge threshold once
    expected = index.query(PARAPHRASE, k=4)
    assert expected[0][0] == 1
    restored = SimilarityIndex.from_bytes(index.to_bytes())
    assert restored.query(PARAPHRASE, k=4) == expected


def test_exclude_and_empty_query(index):
    assert index.query(DOCS[0][1], k=1, exclude=[1])[0][0] != 1
    assert index.query("", k=5) == []
    assert index.query("！？。", k=5) == []
    assert SimilarityIndex().query(PARAPHRASE) == []


def test_shared_passages_offsets():
    a = "我市老旧小区没有电梯，老年人上下楼困难，建议财政给予补贴。"
    b = "据调查，老旧小区没有电梯的情况普遍存在，建议财政给予补贴，并简化审批。"
    passages = shared_passages(a, b, min_len=4)
    texts = [a[s:e] for s, e, _, _ in passages]
    assert "老旧小区没有电梯" in texts
    assert "，建议财政给予补贴" in texts
    for sa, ea, sb, eb in passages:
        assert a[sa:ea] == b[sb:eb] and ea - sa >= 4


def test_shared_passages_agree_with_difflib_on_copied_blocks():
    rng = random.Random(7)
    alphabet = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过"

    def noise(n):
        return "".join(rng.choice(alphabet) for _ in range(n))

    a = noise(2500)
    b = noise(300) + a[100:900] + noise(200) + a[1200:2000] + noise(400)
    ours = [p for p in shared_passages(a, b, min_len=12)]
    assert ours == shared_passages_difflib(a, b, min_len=12)
    assert (100, 900, 300, 1100) in ours


def test_shared_passages_edge_cases():
    assert shared_passages("", "abc") == []
    assert shared_passages("短", "短") == []
    assert shared_passages("。。。。。。", "。。。。。。") == []
    assert shared_passages("哈" * 2500, "哈" * 2500) == [(0, 2500, 0, 2500)]
    with pytest.raises(ValueError):
        shared_passages("abcd", "abcd", min_len=0)


def test_batched_fit_equals_per_document_vectors():
    texts = [text for _, text in DOCS] + ["", "！", "ab", "Ｈｅｌｌｏ世界 hello 世界", "\ud800坏字符"]
    index = SimilarityIndex(max_doc_terms=12).fit(list(enumerate(texts)), batch_size=3)
    matrix = index._main_t.T.tocsr()
    for row, text in enumerate(texts):
        buckets, weights = index.vector(text)
        got = matrix[row]
        assert list(got.indices[got.indices.argsort()]) == list(buckets)
        assert got.data[got.indices.argsort()] == pytest.approx(weights, abs=1e-6)


def test_grams_in_most_documents_do_not_count_once_the_corpus_is_large():
    rng = random.Random(11)
    alphabet = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥金木水火土"
    docs = [(i, "建议相关部门" + "".join(rng.choice(alphabet) for _ in range(30))) for i in range(1200)]
    index = SimilarityIndex().fit(docs)
    assert index.query("建议相关部门", k=5) == []
    assert index.query(docs[5][1], k=1)[0][0] == 5
    # A small corpus keeps every gram: there "frequent" means nothing yet.
    small = SimilarityIndex().fit(docs[:20])
    assert small.query("建议相关部门", k=5)
