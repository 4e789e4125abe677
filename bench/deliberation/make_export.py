"""Write a synthetic Polis export folder (comments.csv, votes.csv, summary.csv) for the end-to-end benchmark.

    python bench/deliberation/make_export.py OUT_DIR [--participants 8000] [--statements 8000] [--votes 1420000]

Uses synthetic.synthetic_conversation (planted groups, skewed activity); the files are in the classic export
layout, votes.csv in time order with some re-votes, so the reader does what it does on a real export.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import synthetic_conversation  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path)
    ap.add_argument("--participants", type=int, default=8000)
    ap.add_argument("--statements", type=int, default=8000)
    ap.add_argument("--votes", type=int, default=1_420_000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    d = synthetic_conversation(args.participants, args.statements, args.votes, seed=args.seed)
    rng = np.random.default_rng(args.seed)
    p, s, v = d["participants"], d["statements"], d["votes"].astype(np.int64)
    # 2 % of the cells are voted twice: an earlier, different vote precedes the final one.
    again = rng.choice(len(p), size=len(p) // 50, replace=False)
    p = np.concatenate([p[again], p])
    s = np.concatenate([s[again], s])
    v = np.concatenate([rng.integers(-1, 2, len(again)), v])
    t0 = 1_500_000_000_000
    ts = t0 + np.arange(len(p), dtype=np.int64) * 1000
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%a %b %d %H:%M:%S UTC %Y", time.gmtime(t0 / 1000))
    with open(args.out / "votes.csv", "w", encoding="utf-8") as fh:
        fh.write("timestamp,datetime,comment-id,voter-id,vote\n")
        # One datetime for all rows keeps generation fast; the reader does not use it.
        lines = np.char.add(
            np.char.add(np.char.add(ts.astype(str), f",{stamp},"), np.char.add(s.astype(str), ",")),
            np.char.add(np.char.add(p.astype(str), ","), v.astype(str)),
        )
        fh.write("\n".join(lines.tolist()))
        fh.write("\n")
    moderated = set(d["moderated_out"].tolist())
    with open(args.out / "comments.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(
            ["timestamp", "datetime", "comment-id", "author-id", "agrees", "disagrees", "moderated", "comment-body"]
        )
        for j in range(args.statements):
            w.writerow(
                [t0 - 1000, stamp, j, j % args.participants, 0, 0, -1 if j in moderated else 1, f"statement {j}"]
            )
    with open(args.out / "summary.csv", "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(
            [["topic", "synthetic"], ["voters", args.participants], ["comments", args.statements]]
        )
    print(f"{args.out}: {len(p)} vote events, {args.participants} × {args.statements}")


if __name__ == "__main__":
    main()
