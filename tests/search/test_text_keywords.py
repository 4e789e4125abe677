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
