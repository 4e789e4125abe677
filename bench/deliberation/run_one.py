"""One measurement in a fresh process: python run_one.py IMPL INPUT.npz → one JSON line.

IMPL is "ours" (xieshang.deliberation.math) or "reddwarf" (red-dwarf's Polis pipeline). The input
holds the same final votes for both. Time covers the whole recomputation from vote arrays (ours) or
from the list of vote dicts red-dwarf takes; peak memory is this process' maxrss.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def peak_mb() -> float:
    """This process' peak resident set (VmHWM). Unlike ru_maxrss, which Linux carries over
    through exec from the forking parent, VmHWM starts afresh with the new program."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    impl, path = sys.argv[1], sys.argv[2]
    data = np.load(path)
    p, s, v = data["participants"], data["statements"], data["votes"]
    mod = data["moderated_out"].tolist()
    truth_ids, truth = data["truth_ids"], data["truth"]
    base_mb = peak_mb()
    if impl == "ours":
        from xieshang.deliberation.math import VoteMatrix, compute_opinion_map

        t0 = time.perf_counter()
        vm = VoteMatrix.from_arrays(p, s, v)
        result = compute_opinion_map(vm, moderated_out=mod, seed=0)
        seconds = time.perf_counter() - t0
        groups = result.groups
        k = result.k
    else:
        from reddwarf.implementations.polis import run_pipeline

        votes = [
            {"participant_id": int(a), "statement_id": int(b), "vote": int(c), "modified": i}
            for i, (a, b, c) in enumerate(zip(p, s, v, strict=True))
        ]
        t0 = time.perf_counter()
        result = run_pipeline(votes=votes, mod_out_statement_ids=mod, random_state=0)
        seconds = time.perf_counter() - t0
        df = result.participants_df
        labels = df["cluster_id"].dropna()
        groups = {int(i): int(g) for i, g in labels.items()}
        k = len(set(groups.values()))
    common = [(int(i), int(t)) for i, t in zip(truth_ids, truth, strict=True) if int(i) in groups]
    from sklearn.metrics import adjusted_rand_score

    ari = adjusted_rand_score([t for _i, t in common], [groups[i] for i, _t in common]) if common else None
    print(
        json.dumps(
            {
                "impl": impl,
                "seconds": seconds,
                "peak_mb": peak_mb(),
                "peak_before_mb": base_mb,
                "k": k,
                "ari": ari,
                "n_mapped": len(groups),
            }
        )
    )


if __name__ == "__main__":
    main()
