"""Similarity, routing and keyword statistics: the storage and glue around search.text."""

import pytest
from django.db import transaction

from tests.factories import HandlingUnitFactory, SectorFactory, make_user
from xieshang.accounts.models import Role
from xieshang.search import registry, similar
from xieshang.search.models import RoutingModelStore, RoutingSuggestion
from xieshang.search.routing_store import record_routing_decision, suggest_units, train_routing_model
from xieshang.search.selectors import routing_accuracy, top_terms
from xieshang.search.services import index_later

pytestmark = pytest.mark.django_db


def test_similar_documents_follow_the_index(make_note, org_a, org_b, author, django_capture_on_commit_callbacks):
    a = make_note("关于加快老旧小区改造的建议", "老旧小区外墙保温层脱落，供水管网老化漏水，建议纳入年度改造计划。")
    make_note("关于推进垃圾分类的提案", "垃圾桶设置不合理，建议优化分类投放点。")
    make_note("老旧小区改造", "老旧小区外墙保温层脱落，供水管网老化漏水。", organization=org_b)
    found = similar.similar_documents("老旧小区外墙脱落、管网漏水，请纳入改造计划", ["testnote"], org_a, k=3)
    assert found[0].object_id == a.pk and found[0].score > 0.2
    assert all(f.doc_type == "testnote" for f in found)
    # Only organization A's documents: B's near-copy is not among them.
    assert len({f.object_id for f in found}) == len(found) <= 2

    # A new document is found at once (incremental refresh, no rebuild).
    b = make_note("既有住宅加装电梯", "六层住宅没有电梯，建议出台加装电梯协调办法。")
    assert similar.similar_documents("加装电梯协调办法", None, org_a, k=1)[0].object_id == b.pk
    # A removed one disappears.
    b_pk = b.pk
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        b.delete()
        b.pk = b_pk
        index_later(b)
    assert all(f.object_id != b_pk for f in similar.similar_documents("加装电梯协调办法", None, org_a, k=3))


def test_similar_documents_respect_the_viewer(make_note, org_a, author):
    staff_only = make_note("托育服务收费高", "公办托育机构少，收费高。", vis="staff")
    member = make_user(Role.MEMBER, org_a, username="m2")
    assert similar.similar_documents("托育机构收费高", None, org_a, k=3, user=member) == []
    staff = make_user(Role.PROPOSALS_STAFF, org_a, username="s2")
    assert similar.similar_documents("托育机构收费高", None, org_a, k=3, user=staff)[0].object_id == staff_only.pk


@pytest.fixture
def units(org_a):
    return {
        "housing": HandlingUnitFactory(
            organization=org_a, name="市住房和城乡建设局", short_name="住建局", keywords="老旧小区 加装电梯 物业"
        ),
        "education": HandlingUnitFactory(
            organization=org_a, name="市教育局", short_name="教育局", keywords="学校 幼儿园 学位"
        ),
        "health": HandlingUnitFactory(
            organization=org_a, name="市卫生健康委员会", short_name="卫健委", keywords="医院 托育 家庭医生"
        ),
    }


def test_routing_keywords_then_classifier(org_a, units):
    found, log = suggest_units(
        org_a, "公办幼儿园学位不足，热点学校大班额", title="关于增加学位的建议", doc_type="testnote", object_id=1
    )
    assert found[0].unit == units["education"]
    assert log.method == "keywords" and log.suggested[0]["unit_id"] == units["education"].pk

    record_routing_decision(organization=org_a, chosen_unit=units["education"], doc_type="testnote", object_id=1)
    log.refresh_from_db()
    assert log.accepted is True and log.chosen_rank == 1

    texts = {
        "housing": ["老旧小区外墙脱落", "加装电梯协调难", "物业服务不到位", "小区供水管网老化"],
        "education": ["幼儿园学位紧张", "课后服务单一", "乡村教师流失", "学校大班额"],
        "health": ["社区医院缺医生", "家庭医生签约率低", "托育机构收费高", "急救车到达慢"],
    }

    def source(organization_id):
        for key, samples in texts.items():
            for i in range(12):
                text = samples[i % len(samples)]
                yield (f"关于{text}的建议", f"{text}，群众反映强烈，第{i}次提出。", units[key].pk)

    registry.register_routing_source("test", source)
    try:
        store = train_routing_model(org_a.pk, min_examples=30)
    finally:
        registry._routing_sources.pop("test", None)
    assert store.method == "classifier" and store.n_examples == 36
    assert RoutingModelStore.objects.get(organization=org_a).method == "classifier"
    found, log = suggest_units(org_a, "家庭医生签约率低", doc_type="testnote", object_id=2)
    assert found[0].unit == units["health"] and log.method == "classifier"
    assert 0 < found[0].confidence <= 1 and len(found) <= 3
    record_routing_decision(organization=org_a, chosen_unit=units["housing"], suggestion=log)

    report = routing_accuracy(org_a)
    assert report["n"] == 2 and report["top1"] == 1
    assert report["by_method"]["keywords"]["top1_rate"] == 1.0


def test_retrain_task(org_a, units):
    from xieshang.search.tasks import retrain_routing

    retrain_routing.enqueue(org_a.pk)
    assert RoutingModelStore.objects.get(organization=org_a).method == "keywords"


def test_routing_decision_without_suggestion_is_none(org_a, units):
    assert record_routing_decision(organization=org_a, chosen_unit=units["health"], doc_type="x", object_id=9) is None
    assert not RoutingSuggestion.objects.exists()


def test_top_terms_by_sector_and_period(make_note, org_a):
    s1 = SectorFactory(organization=org_a, name="教育界")
    s2 = SectorFactory(organization=org_a, name="医药卫生界")
    make_note("幼儿园学位不足", "幼儿园学位紧张，建议新建幼儿园。", sector=s1.pk, year=2024, cat="society")
    make_note("课后服务", "课后服务内容单一，建议引入幼儿园托管。", sector=s1.pk, year=2024, cat="society")
    make_note("家庭医生", "家庭医生签约率低。", sector=s2.pk, year=2023, cat="society")
    by_sector = top_terms(org_a, 2024, by="sector", n=3)
    assert list(by_sector) == ["教育界"]
    assert by_sector["教育界"][0] == ("幼儿园", 2)
    overall = top_terms(org_a, n=20)
    assert "家庭医生" in dict(overall[""])
    by_category = top_terms(org_a, by="category")
    assert list(by_category) == ["society"]
    assert "建议" not in dict(overall[""])  # civic boilerplate is a stop word
