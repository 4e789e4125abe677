"""Seeded synthetic conversations with a planted opinion-group structure.

Each planted group has its own agree / disagree / pass probabilities per statement; participants and
statements have skewed activity (a few people vote a lot, older statements collect more votes), as
in real Polis conversations. Returns vote events as numpy arrays, ready for VoteMatrix.from_arrays.
"""

from __future__ import annotations

import numpy as np


def synthetic_conversation(
    n_participants: int,
    n_statements: int,
    n_votes: int,
    *,
    n_groups: int = 3,
    seed: int = 0,
) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    sizes = rng.dirichlet(np.full(n_groups, 4.0))
    truth = rng.choice(n_groups, size=n_participants, p=sizes)
    # Per group and statement: a leaning in [-1, 1]; agree/disagree shares follow it, 20 % pass.
    lean = rng.uniform(-1, 1, size=(n_groups, n_statements))
    shared = rng.uniform(-1, 1, size=n_statements)
    lean = np.clip(0.6 * lean + 0.4 * shared, -1, 1)
    p_agree = 0.8 * (1 + lean) / 2
    p_disagree = 0.8 * (1 - lean) / 2

    # Oversample cells, drop duplicate cells, keep exactly n_votes distinct ones.
    activity = rng.pareto(1.5, n_participants) + 1.0
    popularity = rng.pareto(1.2, n_statements) + 1.0
    activity /= activity.sum()
    popularity /= popularity.sum()
    got_r = np.zeros(0, np.int64)
    got_c = np.zeros(0, np.int64)
    want = n_votes
    while True:
        r = rng.choice(n_participants, size=int(want * 1.3) + 1000, p=activity)
        c = rng.choice(n_statements, size=len(r), p=popularity)
        rows = np.concatenate([got_r, r])
        cols = np.concatenate([got_c, c])
        key = np.unique(rows * n_statements + cols)
        if len(key) >= n_votes or len(key) >= n_participants * n_statements:
            key = rng.permutation(key)[:n_votes]
            break
        got_r, got_c = key // n_statements, key % n_statements
        want = n_votes - len(key)
    rows, cols = key // n_statements, key % n_statements
    g = truth[rows]
    u = rng.random(len(rows))
    pa, pd = p_agree[g, cols], p_disagree[g, cols]
    votes = np.where(u < pa, 1, np.where(u < pa + pd, -1, 0)).astype(np.int8)
    # Give everyone at least one statement of each kind in view: ids are just positions here.
    moderated = rng.choice(n_statements, size=max(1, n_statements // 50), replace=False)
    return {
        "participants": rows.astype(np.int64),
        "statements": cols.astype(np.int64),
        "votes": votes,
        "truth": truth,
        "moderated_out": np.sort(moderated),
    }
