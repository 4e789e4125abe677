"""CI check of the page benchmark: run it at the "ci" scale (small data, about a minute of wrk) and fail when a page's
query count rose, or its ratio to the framework's floor (floor req/s ÷ page req/s, measured in the same run) grew by
more than half, against the committed baseline (bench/pages/baseline.json).

    make bench-pages-check                        # what .ci/run calls (PostgreSQL + Redis)
    .venv/bin/python bench/pages/check.py --update   # after a deliberate change: write the new baseline

The ratio, not req/s, is compared: a shared or slow CI machine slows the floor and the pages alike. The 50 % margin
absorbs the noise that remains; a query more is never noise."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
BASELINE = HERE / "baseline.json"
RATIO_MARGIN = 1.5


def measure(scale: str) -> list[dict]:
    with tempfile.NamedTemporaryFile(suffix=".jsonl", delete=False) as f:
        out = f.name
    try:
        subprocess.run([sys.executable, str(HERE / "run.py"), "--scale", scale, "--out", out], check=True)
        rows = [json.loads(line) for line in Path(out).read_text(encoding="utf-8").splitlines() if line.strip()]
    finally:
        os.unlink(out)
    return [r for r in rows if "page" in r]


def compare(rows: list[dict], baseline: dict[str, dict]) -> list[str]:
    """The failures: a page missing, more queries, an error, or a ratio over baseline × 1.5."""
    failures = []
    seen = {r["page"]: r for r in rows}
    for name, base in baseline.items():
        row = seen.get(name)
        if row is None:
            failures.append(f"{name}: not measured")
            continue
        if row.get("errors"):
            failures.append(f"{name}: {row['errors']} failed requests")
        if row["queries"] > base["queries"]:
            failures.append(f"{name}: {row['queries']} queries, baseline {base['queries']}")
        if row["ratio"] is None:
            failures.append(f"{name}: no request completed")
        elif base.get("ratio") is None:  # no ratio was recorded (the baseline machine completed no request)
            continue
        elif row["ratio"] > base["ratio"] * RATIO_MARGIN:
            failures.append(f"{name}: {row['ratio']}× the floor, baseline {base['ratio']}× (limit ×{RATIO_MARGIN})")
    return failures


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="ci")
    parser.add_argument("--update", action="store_true", help="write the measured figures as the new baseline")
    args = parser.parse_args()
    rows = measure(args.scale)
    if args.update:
        keep = {r["page"]: {"queries": r["queries"], "ratio": r["ratio"], "bytes": r["bytes"]} for r in rows}
        BASELINE.write_text(json.dumps(keep, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"baseline written: {BASELINE}")
        return 0
    failures = compare(rows, json.loads(BASELINE.read_text(encoding="utf-8")))
    for failure in failures:
        print(f"bench-pages-check: {failure}", file=sys.stderr)
    print("bench-pages-check: " + ("FAILED" if failures else f"{len(rows)} pages within the baseline"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
