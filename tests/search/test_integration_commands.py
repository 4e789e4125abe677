"""routing_eval and similarity_eval: one JSON object on valid files; a malformed file is a CommandError naming the
file, the line and the reason (exit code 1 from manage.py), never a traceback."""

import json

import pytest
from django.core.management import CommandError, call_command

ROUTING_ROWS = [
    ("老旧小区加装电梯补贴", "住房局"),
    ("住房保障 公租房 老旧小区 改造", "住房局"),
    ("学校 教师 减负 课后服务", "教育局"),
    ("中小学 教育 学位 紧张", "教育局"),
    ("垃圾分类 市容 占道经营", "城管局"),
    ("城市管理 违章停车 市容 环境", "城管局"),
]


def _csv(path, rows):
    path.write_text("text,label\n" + "".join(f"{t},{label}\n" for t, label in rows), encoding="utf-8")
    return path


def test_routing_eval_json(tmp_path, capsys):
    train = _csv(tmp_path / "train.csv", ROUTING_ROWS * 3)
    test = _csv(tmp_path / "test.csv", ROUTING_ROWS)
    call_command("routing_eval", "--train", str(train), "--test", str(test), "--json")
    result = json.loads(capsys.readouterr().out)
    assert set(result) == {"n", "accuracy", "top3", "macro_f1", "seconds"}
    assert result["n"] == 6 and 0 <= result["accuracy"] <= result["top3"] <= 1


def test_routing_eval_malformed(tmp_path):
    train = _csv(tmp_path / "train.csv", ROUTING_ROWS)
    bad = tmp_path / "bad.csv"
    bad.write_text("text,label\n学校 教师,教育局\n没有类别,\n", encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        call_command("routing_eval", "--train", str(train), "--test", str(bad), "--json")
    assert str(exc.value) == f"{bad}, line 3: empty label"
    with pytest.raises(CommandError, match="missing.csv"):
        call_command("routing_eval", "--train", str(tmp_path / "missing.csv"), "--test", str(bad))


def test_similarity_eval_json(tmp_path, capsys):
    pairs = tmp_path / "pairs.jsonl"
    lines = [
        {"a": "建议加快老旧小区加装电梯", "b": "关于老旧小区加装电梯的建议", "label": 1},
        {"a": "建议建设口袋公园", "b": "关于增设口袋公园的建议", "label": 1},
        {"a": "建议加快老旧小区加装电梯", "b": "规范外卖骑手交通行为", "label": 0},
        {"a": "建议建设口袋公园", "b": "中小学课后服务收费", "label": 0},
    ]
    pairs.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines), encoding="utf-8")
    call_command("similarity_eval", str(pairs), "--json")
    result = json.loads(capsys.readouterr().out)
    assert set(result) == {"n", "auc", "best_f1", "seconds"}
    assert result["n"] == 4 and result["auc"] == 1.0


def test_similarity_eval_malformed(tmp_path):
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text('{"a": "甲", "b": "乙", "label": 1}\n{"a": "甲", "b": \n', encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        call_command("similarity_eval", str(pairs), "--json")
    assert str(exc.value).startswith(f"{pairs}, line 2: bad JSON")


def test_manage_py_exits_1_with_one_line(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text('{"a": "甲", "b": "乙", "label": 2}\n', encoding="utf-8")
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "manage.py", "similarity_eval", str(pairs), "--json"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.strip() == f"CommandError: {pairs}, line 1: label must be 0 or 1, got 2"
