"""Related-word suggestions (相近词): real words that occur with the query's words, never substrings."""

from xieshang.search.text.related import related_words, whole_words
from xieshang.search.text.segment import Segmenter, load_stopwords

DOCS = [
    "郑州市人民政府办公室关于老旧小区加装电梯的答复，财政补贴每台二十万元",
    "中共郑州市委办公厅转来群众来信，反映加装电梯的低层住户补偿问题",
    "郑州市二七区老旧小区改造，加装电梯和管网改造同步进行",
    "建议加强垃圾分类投放点建设，厨余垃圾就地处理",
    "中小学课后服务收费标准和课后托管",
]

# A small labelled check: for each query, words a person would accept as related words, and strings that are not
# words at all (glued pieces) or only pieces of the query.
LABELLED = [
    ("郑州", {"郑州市", "州市", "郑州市人办", "中共郑州办", "郑"}),
    ("电梯", {"电梯维", "梯维保", "加装电", "电"}),
]


def _segmenter():
    return Segmenter(["加装电梯", "老旧小区", "垃圾分类", "课后服务", "财政补贴"])


def _documents(seg):
    # As the index stores them: search-mode terms (long words followed by their dictionary sub-words).
    return [seg.terms(t, search=True) for t in DOCS]


def test_suggestions_are_words_of_the_vocabulary_and_never_substrings():
    seg = _segmenter()
    stop = load_stopwords()
    for query, not_words in LABELLED:
        found = related_words([query], _documents(seg), stopwords=stop, is_word=seg.is_word, limit=5)
        assert found, query
        for word in found:
            assert seg.is_word(word), word
            assert word not in not_words, word
            assert query not in word and word not in query, word
            assert len(word) >= 2


def test_co_occurrence_ranks_the_topic_words_first():
    seg = _segmenter()
    found = related_words(["加装电梯"], _documents(seg), stopwords=load_stopwords(), is_word=seg.is_word, limit=3)
    assert "老旧小区" in found
    assert "垃圾分类" not in found and "课后服务" not in found


def test_a_typo_gets_the_corpus_word_one_character_away():
    seg = _segmenter()
    found = related_words(["垃级分类"], _documents(seg), stopwords=load_stopwords(), is_word=seg.is_word)
    assert found[0] == "垃圾分类"


def test_no_terms_or_no_documents():
    assert related_words([], [["加装电梯"]], stopwords=frozenset()) == []
    assert related_words(["电梯"], [], stopwords=frozenset()) == []


def test_whole_words_drop_search_mode_sub_words():
    seg = _segmenter()
    tokens = seg.terms("郑州市老旧小区加装电梯", search=True)
    assert "小区" in tokens
    assert whole_words(tokens) == seg.terms("郑州市老旧小区加装电梯")
