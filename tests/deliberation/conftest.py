"""Fixtures for the opinion-map math tests (no Django here: the math module has none)."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest


def polis_data_dir() -> Path:
    shared = os.environ.get("XIESHANG_SHARED_DIR")
    if shared:
        return Path(shared) / "data" / "polis"
    return Path(__file__).parents[2] / ".." / "shared" / "data" / "polis"


@pytest.fixture
def polis_dir():
    def get(name: str) -> Path:
        d = polis_data_dir() / name
        if not (d / "comments.csv").is_file():
            pytest.skip(f"Polis open data not found at {d} (set XIESHANG_SHARED_DIR)")
        return d

    return get


def _planted(n_participants=300, n_statements=40, density=0.6, n_groups=2, seed=0, noise=0.15):
    """Vote events with a planted group structure: each group agrees with its own half of the
    statements and disagrees with the rest; ``noise`` of the votes are flipped to random."""
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, n_groups, n_participants)
    stance = rng.choice([-1, 1], size=(n_groups, n_statements))
    p, s, v = [], [], []
    for i in range(n_participants):
        cols = np.flatnonzero(rng.random(n_statements) < density)
        for j in cols:
            vote = stance[truth[i], j] if rng.random() > noise else rng.integers(-1, 2)
            p.append(i)
            s.append(j)
            v.append(int(vote))
    return np.asarray(p), np.asarray(s), np.asarray(v), truth


@pytest.fixture
def planted():
    return _planted


def polis_math_data_dir() -> Path:
    return polis_data_dir().parent / "polis-math"


@pytest.fixture
def polis_math_dir():
    def get(name: str) -> Path:
        d = polis_math_data_dir() / name
        if not (d / "math-pca2.json").is_file():
            pytest.skip(f"Polis math fixtures not found at {d} (set XIESHANG_SHARED_DIR)")
        return d

    return get
