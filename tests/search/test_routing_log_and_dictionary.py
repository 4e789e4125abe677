"""Routing suggestions: one log row per object and routing however often a page shows them, accuracy unchanged; and
the word features follow the organization's run-time dictionary."""

import pytest

from tests.factories import HandlingUnitFactory
from xieshang.search import registry
from xieshang.search.dictionary import add_word, current_segmenter
from xieshang.search.models import RoutingModelStore, RoutingSuggestion
from xieshang.search.routing_store import (
    _model_for,
    record_routing_decision,
    suggest_units,
    suggest_units_many,
    train_routing_model,
)
from xieshang.search.selectors import routing_accuracy
from xieshang.search.text import routing
from xieshang.search.text.segment import default_segmenter

pytestmark = pytest.mark.django_db


@pytest.fixture
def units(org_a):
    return {
        "housing": HandlingUnitFactory(organization=org_a, name="市住房和城乡建设局", keywords="电梯 老旧小区 物业"),
        "education": HandlingUnitFactory(organization=org_a, name="市教育局", keywords="学校 幼儿园 学位"),
    }


def test_suggestion_logged_once_per_object(org_a, units):
    for _ in range(4):  # the plan form rendered four times
        found, row = suggest_units(
            org_a, "老旧小区加装电梯难", title="关于加装电梯的建议", doc_type="proposal", object_id=7
        )
    assert RoutingSuggestion.objects.filter(doc_type="proposal", object_id=7).count() == 1
    assert row.suggested[0]["unit_id"] == units["housing"].pk
    # The queue page shows the same object and another one: still one row each.
    for _ in range(3):
        suggest_units_many(
            org_a,
            [("proposal", 7, "关于加装电梯的建议", "老旧小区加装电梯难"), ("proposal", 8, "学位", "幼儿园学位不足")],
        )
    assert RoutingSuggestion.objects.filter(doc_type="proposal", object_id=7).count() == 1
    assert RoutingSuggestion.objects.filter(doc_type="proposal", object_id=8).count() == 1

    # The text changed before staff decided: the same row now holds the new suggestion.
    suggest_units(org_a, "幼儿园学位紧张，学校大班额", title="学位", doc_type="proposal", object_id=7)
    row = RoutingSuggestion.objects.get(doc_type="proposal", object_id=7)
    assert row.suggested[0]["unit_id"] == units["education"].pk

    record_routing_decision(organization=org_a, chosen_unit=units["education"], doc_type="proposal", object_id=7)
    # Routed again later (plan sent back): a new row, the decided one stays as it was.
    suggest_units(org_a, "老旧小区加装电梯难", title="电梯", doc_type="proposal", object_id=7)
    rows = list(RoutingSuggestion.objects.filter(doc_type="proposal", object_id=7).order_by("pk"))
    assert len(rows) == 2 and rows[0].chosen_rank == 1 and rows[1].chosen_unit_id is None
    record_routing_decision(organization=org_a, chosen_unit=units["education"], doc_type="proposal", object_id=7)
    report = routing_accuracy(org_a)
    assert report["n"] == 2 and report["top1"] == 1


def test_unlogged_and_objectless_suggestions(org_a, units):
    suggest_units(org_a, "老旧小区加装电梯难", log=False, doc_type="proposal", object_id=3)
    assert not RoutingSuggestion.objects.exists()
    suggest_units(org_a, "老旧小区加装电梯难")
    suggest_units(org_a, "老旧小区加装电梯难")
    assert RoutingSuggestion.objects.filter(object_id__isnull=True).count() == 2


WORD = "潮汐车道"


def test_word_features_use_the_run_time_dictionary(org_a, units):
    assert WORD not in default_segmenter().cut(f"设置{WORD}缓解拥堵")
    add_word(actor=None, word=WORD, organization=org_a)
    assert WORD in current_segmenter().cut(f"设置{WORD}缓解拥堵")
    doc = ("关于设置潮汐车道的建议", f"早晚高峰设置{WORD}缓解拥堵。")
    assert f"w:{WORD}" not in routing._route_features(doc)
    with routing.using_segmenter(current_segmenter()):
        assert f"w:{WORD}" in routing._route_features(doc)

    def source(organization_id):
        for i in range(20):
            yield (f"关于设置{WORD}的建议{i}", f"早晚高峰设置{WORD}缓解拥堵，第{i}条。", units["housing"].pk)
            yield (f"关于学校学位的建议{i}", f"幼儿园学位不足，第{i}条。", units["education"].pk)

    registry.register_routing_source("test", source)
    try:
        store = train_routing_model(org_a.pk, min_examples=30)
    finally:
        registry._routing_sources.pop("test", None)
    assert store.method == "classifier"
    model, _map = _model_for(org_a.pk)
    assert f"w:{WORD}" in model._vectorizer.vocabulary_
    assert RoutingModelStore.objects.get(organization=org_a).n_examples == 40

    # Prediction cuts with the same dictionary: the whole word's feature is among the query's features.
    seen = []
    real = routing._route_features

    def spy(doc):
        feats = real(doc)
        seen.extend(feats)
        return feats

    routing._route_features = spy
    try:
        found, _row = suggest_units(org_a, f"建议设置{WORD}", title="交通", doc_type="proposal", object_id=1)
    finally:
        routing._route_features = real
    assert f"w:{WORD}" in seen
    assert found[0].unit == units["housing"]
