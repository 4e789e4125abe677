"""Issue #11 item 10: a timeline shows every event payload as readable text (names, labels, links), never a raw id,
boolean or repr ("urgent False", "类别 4", "grade A", "并入提案 87"), in both languages.

Every payload key that code or a workflow definition writes is registered (workflow.timeline) and each registered
key is exercised here with the kind of value its writer stores; an unknown key falls back to a labelled, escaped
form."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.utils import translation

from xieshang.workflow import timeline
from xieshang.workflow.models import Transition, Workflow

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2] / "xieshang"
# payload={"key": …}, payload = {"key": …}, payload["key"] = …, and {"key": …} handed to a demo plan's events
WRITTEN = re.compile(r"payload\s*=\s*\{([^{}]*)\}|events\.append\(\([^()]*?\{([^{}]*)\}|(payload\[\s*\"\w+\"\s*\]\s*=)")
KEY = re.compile(r'"(\w+)"\s*:')


def written_keys() -> set[str]:
    keys: set[str] = set()
    for path in ROOT.rglob("*.py"):
        if "migrations" in path.parts or "tests" in path.parts:
            continue
        for match in WRITTEN.finditer(path.read_text()):
            found = match.group(1) or match.group(2) or ""
            if match.group(3):
                found = match.group(3).replace("[", "{").replace("]", ":")
            keys.update(KEY.findall(found))
    return keys


def test_every_payload_key_written_or_declared_is_registered():
    keys = written_keys()
    assert {"category", "merge_into", "grade", "urgent", "from_unit", "due_on", "level"} <= keys, keys
    missing = {k for k in keys if not any(key == k for (_w, key) in timeline._keys)}
    assert not missing, f"payload keys without a timeline describer: {sorted(missing)}"
    declared = set()
    for t in Transition.objects.select_related("workflow").exclude(payload_schema={}):
        for name in (t.payload_schema or {}).get("fields", {}):
            declared.add((t.workflow.key, name))
            assert timeline.registered(t.workflow.key, name), (t.workflow.key, t.key, name)
    assert ("proposal", "category") in declared and ("consultation", "approved_on") in declared


def event(workflow_key: str, payload: dict, *, organization_id=None, object_id=0, transition=None):
    workflow = Workflow.objects.filter(key=workflow_key).first() or SimpleNamespace(key=workflow_key)
    return SimpleNamespace(
        workflow=workflow,
        payload=payload,
        organization_id=organization_id,
        object_id=object_id,
        transition=transition,
        transition_id=getattr(transition, "pk", None),
    )


def rendered(ev) -> str:
    return " | ".join(f"{label}: {html}" for label, html in timeline.payload_items(ev))


@pytest.fixture
def rows(organization):
    from tests.factories import HandlingUnitFactory
    from xieshang.proposals.models import Category, NotFiledGround

    category = Category.objects.create(organization=organization, name="城乡建设")
    ground = NotFiledGround.objects.create(organization=organization, text="属于个人诉求")
    units = [HandlingUnitFactory(organization=organization, name=n) for n in ("市住房局", "市城管局")]
    return SimpleNamespace(org=organization, category=category, ground=ground, units=units)


def proposal_in(org, member):
    from xieshang.proposals import services

    return services.proposal_create(actor=member, organization=org, title="关于加装电梯的建议", body="建议" * 30)


def test_each_proposal_key_reads_as_names_and_links(rows, member):
    target = proposal_in(rows.org, member)
    cases = {
        "category": (rows.category.pk, ["城乡建设"]),
        "ground": (rows.ground.pk, ["属于个人诉求"]),
        "merge_into": (target.pk, [f'href="{target.get_absolute_url()}"', "关于加装电梯的建议"]),
        "grade": ("A", ["A类（所提问题已经解决或基本解决）"]),
        "unit": (rows.units[0].pk, ["市住房局"]),
        "from_unit": (rows.units[0].pk, ["市住房局"]),
        "to_unit": (rows.units[1].pk, ["市城管局"]),
    }
    for key, (value, expected) in cases.items():
        for workflow_key in ("proposal", "micro_proposal"):
            text = rendered(event(workflow_key, {key: value}, organization_id=rows.org.pk))
            for piece in expected:
                assert piece in text, (key, text)
            assert not re.search(rf"(?<![\w/]){value}(?![\w/])", text) or key == "grade", (key, text)
    registered = {k for (w, k) in timeline._keys if w == "proposal"}
    assert registered == set(cases), registered
    # An empty grade (approval without one) says nothing rather than an empty line.
    assert rendered(event("proposal", {"grade": ""})) == ""


def test_proposal_keys_in_english(rows):
    with translation.override("en"):
        text = rendered(event("proposal", {"category": rows.category.pk, "grade": "B"}, organization_id=rows.org.pk))
    assert text.startswith("Category: 城乡建设")
    assert "Reply grade" in text and "B" in text and "类" not in text.split("城乡建设")[1], text


def test_each_opinion_key_reads_as_text(organization):
    from xieshang.opinions.models import Level

    with translation.override("en"):
        english_level = str(Level.PROVINCIAL.label)
    assert english_level != "省级政协"
    cases = {
        "urgent": (True, "紧急件: 是"),
        "from_proposal": (12345, 'href="/proposals/12345/"'),
        "issue": ("2026年第3期", "刊期: 2026年第3期"),
        "recipients": ("市委办公室、市政府办公室", "报送对象: 市委办公室、市政府办公室"),
        "units": ("市住房局", "承办单位: 市住房局"),
        "unit": ("市住房局", "回复单位: 市住房局"),
        "leader": ("张副市长", "批示领导: 张副市长"),
        "level": (str(Level.PROVINCIAL.label), "层级: 省级政协"),
    }
    for key, (value, expected) in cases.items():
        text = rendered(event("opinion_report", {key: value}, organization_id=organization.pk))
        assert expected in text, (key, text)
        assert "True" not in text and "False" not in text
    assert {k for (w, k) in timeline._keys if w == "opinion_report"} == set(cases)
    # Not urgent is not news: no "urgent False" line.
    assert rendered(event("opinion_report", {"urgent": False})) == ""
    with translation.override("en"):
        # A level written by a Chinese page reads in English for an English reader.
        text = rendered(event("opinion_report", {"level": "省级政协", "urgent": True}))
    assert text == f"Level: {english_level} | Urgent: Yes", text


def test_each_consultation_and_engine_key_reads_as_text():
    cases = [
        ("consultation", {"meeting": "十五届第6次主席会议"}, "主席会议: 十五届第6次主席会议"),
        ("consultation", {"body": "中共郑州市委"}, "批准机关: 中共郑州市委"),
        ("consultation", {"document": "郑发〔2026〕3号"}, "批准文件文号: 郑发〔2026〕3号"),
        ("consultation", {"approved_on": "2026-01-20"}, "批准日期: 2026年1月20日"),
        ("consultation_outcome", {"instruction": "请认真研究"}, "批示内容: 请认真研究"),
        ("proposal", {"due_on": "2026-05-01", "working_days_late": 3}, "应办结日期: 2026年5月1日 | 已超期: 3 个工作日"),
        (
            "ticket",
            {"from_due": "2026-05-01", "to_due": "2026-05-15", "days": 10, "months": 0},
            "原期限: 2026年5月1日 | 新期限: 2026年5月15日 | 延长: 10 个工作日",
        ),
        ("ticket", {"from_due": None, "to_due": "2026-05-15", "months": 1}, "新期限: 2026年5月15日 | 延长: 1 个月"),
    ]
    for workflow_key, payload, expected in cases:
        assert rendered(event(workflow_key, payload)) == expected


def test_an_unknown_key_is_labelled_and_escaped_never_a_repr():
    text = rendered(event("proposal", {"<b>x</b>": True, "extra": [1, None, "二"], "note": {"a": False}}))
    assert "<b>" not in text and "&lt;b&gt;x&lt;/b&gt;: 是" in text
    assert "extra: 1、二" in text and "note: a：否" in text
    assert "True" not in text and "None" not in text and "{" not in text
