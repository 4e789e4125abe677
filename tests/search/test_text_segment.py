import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xieshang.search.text.segment import (
    Segmenter,
    UserWord,
    default_segmenter,
    load_stopwords,
    parse_user_dictionary,
    to_index_text,
    to_query_terms,
)

TEXT = "关于加快老旧小区改造和加装电梯的建议：市住建局应当牵头，城中村改造与背街小巷整治一并推进，缓解停车难。"


@pytest.fixture(scope="module")
def seg():
    return default_segmenter()


def test_shipped_dictionary_keeps_civic_terms_whole(seg):
    words = seg.cut(TEXT)
    for term in ["老旧小区改造", "加装电梯", "市住建局", "城中村改造", "背街小巷", "停车难"]:
        assert term in words
    assert "".join(words) == TEXT


def test_plain_rjieba_splits_the_same_terms():
    # Guards the premise of the dictionary layer: without it these terms are cut apart.
    words = Segmenter().cut(TEXT)
    assert "老旧小区改造" not in words
    assert "市住建局" not in words


def test_bureau_inside_competing_words_is_protected(seg):
    # 市住 + 建局 is rjieba's own best path; a protected word must win regardless of context.
    assert "住建局" in seg.cut("请区住建局答复") or "区住建局" in seg.cut("请区住建局答复")
    assert "市场监管局" in seg.cut("建议市场监管局加强检查")


def test_short_user_word_does_not_swallow_neighbouring_words(seg):
    assert seg.cut("委托育儿机构") == ["委托", "育儿", "机构"]
    assert "托育" in seg.cut("发展普惠托育") or "普惠托育" in seg.cut("发展普惠托育")


def test_add_and_remove_apply_at_once():
    seg = Segmenter()
    before = seg.version
    assert "市民热线" not in seg.cut("拨打市民热线反映情况")
    seg.add_word("市民热线", tag="n")
    assert "市民热线" in seg.cut("拨打市民热线反映情况")
    assert seg.version > before
    v = seg.version
    assert seg.remove_word("市民热线") is True
    assert "市民热线" not in seg.cut("拨打市民热线反映情况")
    assert seg.version > v
    assert seg.remove_word("市民热线") is False


def test_removing_a_word_the_base_dictionary_knew_restores_the_base():
    seg = Segmenter([("停车难", 5)])
    assert seg.remove_word("停车难")
    assert seg.cut("停车难") == ["停车难"]


def test_user_words_accept_tuples_and_jieba_file_format(tmp_path):
    words = list(parse_user_dictionary(["# comment", "城管局 100 nt", "口袋公园 n", "", "\ufeff微循环"]))
    assert words == [UserWord("城管局", 100, "nt"), UserWord("口袋公园", None, "n"), UserWord("微循环")]
    seg = Segmenter(["口袋公园", ("城管局", 50), ("雨污分流", None, "n")])
    assert seg.cut("城管局建设口袋公园和雨污分流") == ["城管局", "建设", "口袋公园", "和", "雨污分流"]
    assert ("雨污分流", "n") in seg.tag("推进雨污分流")


def test_cut_for_search_adds_sub_words(seg):
    tokens = seg.cut_for_search("推进老旧小区改造")
    assert "老旧小区改造" in tokens and "小区" in tokens and "改造" in tokens


def test_index_text_is_lowercase_and_free_of_punctuation(seg):
    text = to_index_text("ＡＢＣ公司（市场监管局）：“预付卡”退费难！Hello_World", seg)
    assert text == text.lower()
    assert re.search(r"[^\w ]|_", text) is None
    tokens = text.split()
    assert {"abc", "市场监管局", "预付卡", "hello", "world"} <= set(tokens)


@pytest.mark.parametrize(
    "query",
    ['"老旧小区" AND 加装电梯*', "NEAR(住建局 城管局, 5)", "title:停车 ^物业 -垃圾", "(a OR b) NOT c", "a'b\"c"],
)
def test_query_terms_strip_fts_syntax(seg, query):
    terms = to_query_terms(query, seg)
    assert terms
    for t in terms:
        assert re.fullmatch(r"[^\W_]+", t), t
        assert t not in {"and", "or", "not", "near"}


def test_query_terms_keep_words_and_drop_stopwords(seg):
    assert to_query_terms("关于老旧小区改造的建议", seg) == ["老旧小区改造"]
    # Only stop words: better to search them than to search nothing.
    assert to_query_terms("建议", seg) == ["建议"]


@pytest.mark.parametrize("query", ["", "   ", "！？。…", '"*()^:', "\u3000\n"])
def test_empty_and_punctuation_only_queries(seg, query):
    assert to_query_terms(query, seg) == []


def test_long_queries_are_capped(seg):
    long = "".join(f"第{i}号路口的红绿灯和人行道需要改造，" for i in range(2000))
    terms = to_query_terms(long, seg, max_terms=10)
    assert 0 < len(terms) <= 10
    assert len(to_query_terms(long, seg)) <= 32


def test_stopwords_cover_domain_boilerplate():
    stop = load_stopwords()
    assert {"建议", "关于", "问题", "进一步", "加强", "的"} <= stop
    assert "加装电梯" not in stop


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list('住建局小区AND OR NEAR"*^():-+{}[]~_ \t,.，。abc123和的')) | st.characters())
)
def test_query_parser_never_raises_or_emits_operators(query):
    terms = to_query_terms(query, default_segmenter())
    assert len(terms) <= 32
    assert len(set(terms)) == len(terms)
    for t in terms:
        assert t and re.fullmatch(r"[^\W_]+", t), t
        assert t.lower() not in {"and", "or", "not", "near"}


def test_sub_words_are_the_dictionary_words_inside_a_word():
    seg = Segmenter(["老旧小区改造", "老旧小区"])
    subs = seg.sub_words("老旧小区改造")
    assert "老旧小区" in subs and "改造" in subs and "老旧小区改造" not in subs
    assert all(2 <= len(w) < 6 for w in subs)
