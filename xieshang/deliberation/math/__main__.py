"""python -m xieshang.deliberation.math DIR [--json] [--seed N]: the opinion map of a Polis export."""

from __future__ import annotations

import argparse
import json
import sys

from .pipeline import opinionmap_json
from .polis_io import PolisExportError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m xieshang.deliberation.math")
    parser.add_argument("dir", help="a Polis export folder (comments.csv, votes.csv, ...)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    try:
        out = opinionmap_json(args.dir, seed=args.seed)
    except PolisExportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        json.dump(out, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        sizes: dict[int, int] = {}
        for g in out["groups"].values():
            sizes[g] = sizes.get(g, 0) + 1
        print(f"k={out['k']} groups={dict(sorted(sizes.items()))} ({out['seconds']:.2f}s)")
        print(f"consensus agree={out['consensus']['agree']} disagree={out['consensus']['disagree']}")
        for g, ids in out["representative"].items():
            print(f"group {g}: representative {ids}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
