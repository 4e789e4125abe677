"""Recompute time as votes arrive (warm start from the previous run's state) at 2,000 × 500.

    python bench/deliberation/warm_start.py [--votes 300000] [--rounds 5]

The first run starts cold; each next run adds 1 % more votes and starts from the previous state, as the app's
"maps" task does (maps.map_compute passes OpinionMap.state back in). Prints one JSON line per run.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import synthetic_conversation  # noqa: E402

from xieshang.deliberation.math import VoteMatrix, compute_opinion_map  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--participants", type=int, default=2000)
    ap.add_argument("--statements", type=int, default=500)
    ap.add_argument("--votes", type=int, default=300_000)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    d = synthetic_conversation(args.participants, args.statements, args.votes, seed=2)
    p, s, v = d["participants"], d["statements"], d["votes"]
    order = np.random.default_rng(0).permutation(len(p))
    p, s, v = p[order], s[order], v[order]
    start = int(len(p) * (1 - 0.01 * args.rounds))
    state = None
    for r in range(args.rounds + 1):
        n = min(len(p), start + int(len(p) * 0.01 * r))
        t0, c0 = time.perf_counter(), time.process_time()
        vm = VoteMatrix.from_arrays(p[:n], s[:n], v[:n])
        result = compute_opinion_map(vm, moderated_out=d["moderated_out"].tolist(), state=state)
        seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
        state = json.loads(json.dumps(result.state))  # as stored in OpinionMap.state
        print(
            json.dumps(
                {
                    "run": r,
                    "warm": r > 0,
                    "votes": n,
                    "k": result.k,
                    "seconds": round(seconds, 3),
                    "cpu_seconds": round(cpu, 3),
                }
            )
        )


if __name__ == "__main__":
    main()
