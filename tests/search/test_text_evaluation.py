import json
import random

import numpy as np
import pytest
from sklearn import metrics

from xieshang.search.text.evaluation import (
    EvaluationDataError,
    accuracy,
    best_f1,
    evaluate_routing,
    evaluate_similarity,
    macro_f1,
    main,
    read_pairs_jsonl,
    read_routing_csv,
    roc_auc,
    top_k_accuracy,
)


def test_label_metrics_match_sklearn():
    rng = random.Random(3)
    labels = ["住建", "教育", "卫健", "交通"]
    y_true = [rng.choice(labels) for _ in range(300)]
    y_pred = [t if rng.random() < 0.6 else rng.choice(labels + ["民政"]) for t in y_true]
    assert accuracy(y_true, y_pred) == pytest.approx(metrics.accuracy_score(y_true, y_pred))
    assert macro_f1(y_true, y_pred) == pytest.approx(metrics.f1_score(y_true, y_pred, average="macro"))
    ranked = [[p, *rng.sample(labels, 2)] for p in y_pred]
    expected = np.mean([t in r[:3] for t, r in zip(y_true, ranked)])
    assert top_k_accuracy(y_true, ranked, 3) == pytest.approx(expected)
    assert top_k_accuracy(y_true, ranked, 3) > accuracy(y_true, y_pred)


def test_score_metrics_match_sklearn():
    rng = np.random.default_rng(5)
    y = rng.integers(0, 2, 500)
    scores = np.round(y * 0.3 + rng.random(500), 2)  # rounding makes ties
    assert roc_auc(y, scores) == pytest.approx(metrics.roc_auc_score(y, scores))
    precision, recall, _ = metrics.precision_recall_curve(y, scores)
    with np.errstate(invalid="ignore", divide="ignore"):
        f1 = np.nan_to_num(2 * precision * recall / (precision + recall))
    f1_best, threshold = best_f1(y, scores)
    assert f1_best == pytest.approx(f1.max())
    assert metrics.f1_score(y, scores >= threshold) == pytest.approx(f1_best)
    assert roc_auc(np.ones(3), np.arange(3)) is None


ROUTING_ROWS = [
    ("老旧小区加装电梯难", "住建"),
    ("小区外墙脱落需要改造", "住建"),
    ("物业费上涨服务差", "住建"),
    ("开发商延期交房", "住建"),
    ("公办幼儿园学位不足", "教育"),
    ("中小学课后服务单一", "教育"),
    ("乡村学校教师流失", "教育"),
    ("校外培训机构跑路", "教育"),
    ("公交班次太少", "交通"),
    ("农村客运班车停运", "交通"),
    ("出租车拒载绕路", "交通"),
    ("地铁换乘不便", "交通"),
]


def _write_csv(path, rows, header="text,label", bom=False):
    body = header + "\n" + "".join(f'"{t}",{lab}\n' for t, lab in rows)
    path.write_text(("\ufeff" if bom else "") + body, encoding="utf-8")
    return path


def test_evaluate_routing_end_to_end(tmp_path):
    train = _write_csv(tmp_path / "train.csv", ROUTING_ROWS * 3, bom=True)
    test = _write_csv(tmp_path / "test.csv", [("六层楼没有电梯老人下不了楼", "住建"), ("孩子上幼儿园太难", "教育")])
    result = evaluate_routing(train, test)
    assert set(result) >= {"n", "accuracy", "top3", "macro_f1", "seconds"}
    assert result["n"] == 2 and result["method"] == "classifier"
    assert 0.0 <= result["accuracy"] <= result["top3"] <= 1.0


def test_routing_csv_with_title_column(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text('title,text,label\n关于加装电梯,"六层楼,没有电梯",住建\n', encoding="utf-8")
    assert read_routing_csv(path) == ([("关于加装电梯", "六层楼,没有电梯")], ["住建"])


@pytest.mark.parametrize(
    ("content", "line", "reason"),
    [
        (b"text,unit\n\xe4\xbd\xa0,a\n", 1, "label"),
        (b"", None, "empty"),
        (b"text,label\n", None, "no data rows"),
        (b"text,label\nabc,x\n\xff\xfe,y\n", 3, "UTF-8"),
        (b"text,label\nabc,\n", 2, "empty label"),
        (b"text,label\nabc,x,extra\n", 2, "more fields"),
    ],
)
def test_malformed_routing_csv(tmp_path, content, line, reason):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(EvaluationDataError) as err:
        read_routing_csv(path)
    assert err.value.line == line
    assert reason in str(err.value) and "bad.csv" in str(err.value)


def test_evaluate_similarity_end_to_end(tmp_path):
    pairs = [
        {"a": "老旧小区没有电梯老人上下楼难", "b": "建议给老旧小区加装电梯方便老人", "label": 1},
        {"a": "学校周边三无食品", "b": "校园周边食品安全监管不到位", "label": 1},
        {"a": "老旧小区没有电梯老人上下楼难", "b": "公交班次太少等车时间长", "label": 0},
        {"a": "学校周边三无食品", "b": "农村客运班车停运", "label": 0},
    ]
    path = tmp_path / "pairs.jsonl"
    path.write_text("\n".join(json.dumps(p, ensure_ascii=False) for p in pairs) + "\n\n", encoding="utf-8")
    result = evaluate_similarity(path)
    assert result["n"] == 4
    assert result["auc"] == 1.0 and result["best_f1"] == 1.0


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ('{"a": "x", "b": "y", "label": 2}', "label must be 0 or 1"),
        ('{"a": "x", "b": "y", "label": true}', "label must be 0 or 1"),
        ('{"a": "x", "label": 1}', 'missing key "b"'),
        ('{"a": "x", "b": "y", "label": 1', "bad JSON"),
        ('["a", "b", 1]', "JSON object"),
        ('{"a": 1, "b": "y", "label": 1}', "must be strings"),
    ],
)
def test_malformed_pairs(tmp_path, line, reason):
    path = tmp_path / "pairs.jsonl"
    path.write_text('{"a": "x", "b": "y", "label": 0}\n' + line + "\n", encoding="utf-8")
    with pytest.raises(EvaluationDataError) as err:
        read_pairs_jsonl(path)
    assert err.value.line == 2
    assert reason in str(err.value) and "pairs.jsonl" in str(err.value)


def test_cli_reports_errors_without_traceback(tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("not json\n", encoding="utf-8")
    assert main(["similarity", str(bad), "--json"]) == 2
    err = capsys.readouterr().err
    assert "bad.jsonl, line 1" in err and "Traceback" not in err
    assert main(["similarity", str(tmp_path / "missing.jsonl")]) == 2


def test_cli_json_output(tmp_path, capsys):
    train = _write_csv(tmp_path / "train.csv", ROUTING_ROWS * 3)
    assert main(["routing", "--train", str(train), "--test", str(train), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["n"] == 36 and result["accuracy"] > 0.9
