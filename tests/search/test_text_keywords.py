from xieshang.search.text.keywords import top_terms
from xieshang.search.text.segment import load_stopwords

TEXTS = [
    "关于进一步加强老旧小区改造的建议：老旧小区改造要加装电梯。",
    "关于加快老旧小区改造的建议，2023年完成100个小区。",
    "建议加强垃圾分类，解决垃圾分类投放点不足的问题。",
]


def test_counts_content_words_and_skips_boilerplate():
    terms = dict(top_terms(TEXTS, n=50))
    assert terms["老旧小区改造"] == 3
    assert terms["垃圾分类"] == 2
    for noise in ["建议", "关于", "进一步", "加强", "问题", "的", "2023", "100", "：", "，"]:
        assert noise not in terms
    assert all(len(t) >= 2 for t in terms)


def test_order_limit_and_per_document():
    ranked = top_terms(TEXTS, n=2)
    assert ranked == [("老旧小区改造", 3), ("垃圾分类", 2)]
    assert dict(top_terms(TEXTS, per_document=True))["垃圾分类"] == 1


def test_custom_stopwords_replace_or_extend():
    assert "垃圾分类" not in dict(top_terms(TEXTS, stopwords=load_stopwords(extra={"垃圾分类"})))
    # Replacing the list lets boilerplate through.
    assert "建议" in dict(top_terms(TEXTS, n=50, stopwords=set()))
    assert top_terms([], n=5) == [] and top_terms(["", "的了。"], n=5) == []


def test_report_filler_is_never_a_keyword():
    texts = [
        "据统计，上年全市部分老旧小区完成改造，加装电梯增长百分之二十。",
        "部分群众反映停车难，据统计上年同比增长，停车位缺口较大。",
        "上年部分学校课后服务覆盖率增长，据统计达到九成。",
    ]
    terms = dict(top_terms(texts, n=50))
    for filler in ["部分", "上年", "增长", "据统计", "同比", "达到"]:
        assert filler not in terms
    assert {"加装电梯", "停车位"} <= set(terms)


def test_background_tf_idf_puts_what_sets_a_group_apart_first():
    group = ["老旧小区加装电梯，社区", "加装电梯的财政补贴，社区"]
    others = ["垃圾分类与社区", "公交线路与社区", "课后服务与社区"]
    plain = top_terms(group, per_document=True)
    ranked = top_terms(group, per_document=True, background=group + others)
    assert ranked[0] == ("加装电梯", 2)
    # Counts stay counts; only the order changes (社区 is in every text of the period).
    assert dict(plain) == dict(ranked)
    assert [t for t, _ in ranked].index("社区") > [t for t, _ in ranked].index("加装电梯")
