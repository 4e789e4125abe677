"""The CI page check's comparison (bench/pages/check.py) fails on a query more or a ratio worse by more than half."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

spec = importlib.util.spec_from_file_location("bench_check", Path(__file__).parents[2] / "bench/pages/check.py")
check = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check)

BASE = {"unit inbox": {"queries": 8, "ratio": 2.0}}


def row(**kwargs):
    return {"page": "unit inbox", "queries": 8, "ratio": 2.0, **kwargs}


@pytest.mark.parametrize(
    ("measured", "fails"),
    [
        (row(), False),
        (row(queries=7, ratio=2.9), False),  # fewer queries; a ratio within half of the baseline's
        (row(queries=9), True),
        (row(ratio=3.1), True),
        (row(ratio=None), True),
        (row(errors=3), True),
    ],
)
def test_compare(measured, fails):
    assert bool(check.compare([measured], BASE)) is fails


def test_a_page_left_out_fails():
    assert check.compare([], BASE) == ["unit inbox: not measured"]


def test_the_committed_baseline_names_every_page():
    import json
    import sys

    sys.path.insert(0, str(Path(__file__).parents[2] / "bench/pages"))
    from pages import PAGES

    baseline = json.loads((Path(__file__).parents[2] / "bench/pages/baseline.json").read_text(encoding="utf-8"))
    assert set(baseline) == {p.name for p in PAGES}
