"""Validation on real Polis conversations (shared/data/polis): agreement with Polis' own groups."""

import csv
import functools
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from xieshang.deliberation.math import (
    compute_opinion_map,
    opinionmap_json,
    read_polis_export,
)
from xieshang.deliberation.math.pipeline import polis_row_order

# Polis mode, one fresh run (deterministic), participants in Polis' row order: 15-per-hour-seattle 0.563,
# vtaiwan.uberx 0.929, austria 0.887 (median 0.887). red-dwarf 0.4.0 on the same final votes: 0.459, 0.826, 0.830
# (bench/deliberation/README.md). Each floor is ours less about 0.03, and at least red-dwarf's less 0.1 (the
# issue's "never more than 0.1 below red-dwarf").
FRESH_FLOOR = {"15-per-hour-seattle": 0.53, "vtaiwan.uberx": 0.90, "austria-climate.7z7ejpbmv5.2022-08-08": 0.85}
REDDWARF = {"15-per-hour-seattle": 0.459, "vtaiwan.uberx": 0.826, "austria-climate.7z7ejpbmv5.2022-08-08": 0.830}


@functools.cache
def _fresh(path: Path):
    export = read_polis_export(path)
    return export, compute_opinion_map(export.vote_matrix(), export.moderated_out, seed=0)


def _ari(export, result):
    common = [p for p in export.polis_groups if p in result.groups]
    assert len(common) >= 0.95 * len(export.polis_groups)
    return adjusted_rand_score([export.polis_groups[p] for p in common], [result.groups[p] for p in common])


def _final_votes(path: Path) -> dict[int, dict[int, int]]:
    """Final votes read straight from participants-votes.csv, independently of polis_io."""
    out = {}
    with open(path / "participants-votes.csv", newline="", encoding="utf-8") as fh:
        rows = csv.reader(fh)
        header = next(rows)
        cols = [int(c) for c in header[6:]]
        for row in rows:
            out[int(row[0])] = {c: int(x) for c, x in zip(cols, row[6:], strict=True) if x != ""}
    return out


@pytest.mark.parametrize("name", list(FRESH_FLOOR))
def test_groups_agree_with_polis(polis_dir, name):
    export, result = _fresh(polis_dir(name))
    assert result.k == 2  # Polis shows two groups for both (summary.csv)
    assert _ari(export, result) >= FRESH_FLOOR[name]


def test_median_agreement_meets_the_target(polis_dir):
    """The issue's target: median ARI against Polis' groups at least 0.8, never more than 0.1 below red-dwarf."""
    aris = {name: _ari(*_fresh(polis_dir(name))) for name in FRESH_FLOOR}
    assert statistics.median(aris.values()) >= 0.8
    assert all(aris[name] >= REDDWARF[name] - 0.1 for name in aris)


@pytest.mark.parametrize("name", list(FRESH_FLOOR))
def test_polis_row_order_is_the_exports_row_order(polis_dir, name):
    """Polis appends a participant to its vote matrix when first seen in votes ordered by (statement, participant);
    the export's participants-votes.csv is written in that very order, so it checks our reading of the rule."""
    path = polis_dir(name)
    vm = read_polis_export(path).vote_matrix()
    rows = np.arange(vm.shape[0])
    ours = vm.participant_ids[polis_row_order(vm, rows)].tolist()
    with open(path / "participants-votes.csv", newline="", encoding="utf-8") as fh:
        theirs = [int(r["participant"]) for r in csv.DictReader(fh)]
    assert ours == theirs
    assert ours != sorted(ours)  # not simply by participant id


@pytest.mark.parametrize("name", ["15-per-hour-seattle", "vtaiwan.uberx"])
def test_consensus_and_representatives_are_sane(polis_dir, name):
    path = polis_dir(name)
    export, result = _fresh(path)
    votes = _final_votes(path)
    mod = set(export.moderated_out)
    members = {g: [p for p, gg in result.groups.items() if gg == g] for g in range(result.k)}
    for key, want in (("agree", 1), ("disagree", -1)):
        for sid in result.consensus[key]:
            assert sid not in mod
            for g, ps in members.items():
                cast = [votes[p][sid] for p in ps if sid in votes[p]]
                assert sum(1 for x in cast if x == want) > len(cast) / 2, (key, sid, g)
        assert not set(result.consensus_overall[key]) & mod
    for g, reps in result.representative.items():
        assert 1 <= len(reps) <= 5
        for r in reps:
            assert r["statement_id"] not in mod
            # a representative "agree" statement is agreed more inside the group than outside
            sid = r["statement_id"]
            inside = [votes[p][sid] for p in members[g] if sid in votes[p]]
            outside = [votes[p][sid] for p in result.groups if result.groups[p] != g and sid in votes[p]]
            want = 1 if r["repful_for"] == "agree" else -1
            share_in = sum(x == want for x in inside) / max(len(inside), 1)
            share_out = sum(x == want for x in outside) / max(len(outside), 1)
            assert share_in > share_out


def test_opinionmap_json_and_cli(polis_dir):
    path = polis_dir("15-per-hour-seattle")
    out = opinionmap_json(path, seed=0)
    assert {"k", "groups", "consensus", "representative", "seconds"} <= set(out)
    assert set(out) == {"k", "groups", "consensus", "group-aware-consensus", "representative", "projected", "seconds"}
    projected = set(out["projected"])
    assert out["k"] == 2 and len(out["groups"]) == 339 and len(projected) == 201
    assert len(set(out["groups"]) - projected) == 138  # the 138 Polis clustered
    assert json.loads(json.dumps(out)) == out
    root = Path(__file__).parents[2]
    proc = subprocess.run(
        [sys.executable, "-m", "xieshang.deliberation.math", str(path), "--json"],
        capture_output=True,
        text=True,
        cwd=root,
        check=True,
    )
    cli = json.loads(proc.stdout)
    assert cli["groups"] == out["groups"] and cli["consensus"] == out["consensus"]


def test_manage_py_opinionmap_runs_without_django(polis_dir):
    """manage.py opinionmap reads and computes without importing Django, and prints what the Django command does."""
    path = polis_dir("15-per-hour-seattle")
    root = Path(__file__).parents[2]
    env = {**os.environ, "XIESHANG_DEV": "1", "DEBUG": "1"}
    light = subprocess.run(
        [sys.executable, "-X", "importtime", "manage.py", "opinionmap", str(path), "--json"],
        capture_output=True,
        text=True,
        cwd=root,
        env=env,
        check=True,
    )
    assert "django" not in light.stderr  # -X importtime lists every imported module
    # an option only Django's parser knows (-v) sends the same command through Django
    full = subprocess.run(
        [sys.executable, "manage.py", "opinionmap", str(path), "--json", "-v", "1"],
        capture_output=True,
        text=True,
        cwd=root,
        env=env,
        check=True,
    )
    a, b = json.loads(light.stdout), json.loads(full.stdout)
    a.pop("seconds"), b.pop("seconds")
    assert a == b
    bad = subprocess.run(
        [sys.executable, "manage.py", "opinionmap", str(path / "nope")],
        capture_output=True,
        text=True,
        cwd=root,
        env=env,
    )
    assert bad.returncode == 1 and "CommandError" in bad.stderr and "not a directory" in bad.stderr
