"""Opinion-map benchmark: time and peak memory of a full recomputation, ours vs red-dwarf.

    bench/deliberation/setup_venv.sh            # once: bench/.venv-deliberation with red-dwarf
    bench/.venv-deliberation/bin/python bench/deliberation/bench.py [--repeat 3] [--skip-reddwarf]

Every measurement runs in its own subprocess (clean maxrss). Inputs: the two real Polis exports in
shared/data/polis (ARI against Polis' group-id column) and two seeded synthetic conversations with
planted groups (ARI against the planted groups). Both implementations get the same final votes.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from synthetic import synthetic_conversation  # noqa: E402

from xieshang.deliberation.math import read_polis_export  # noqa: E402


def polis_dir() -> Path:
    shared = os.environ.get("XIESHANG_SHARED_DIR")
    return (Path(shared) if shared else ROOT / ".." / "shared") / "data" / "polis"


def prepare(tmp: Path) -> dict[str, Path]:
    inputs = {}
    for name in ("15-per-hour-seattle", "vtaiwan.uberx"):
        ex = read_polis_export(polis_dir() / name)
        trip = ex.vote_matrix().triples()
        p, s, v = (np.asarray(x) for x in zip(*trip, strict=True))
        ids = np.asarray(sorted(ex.polis_groups))
        out = tmp / f"{name}.npz"
        np.savez(
            out,
            participants=p,
            statements=s,
            votes=v,
            moderated_out=np.asarray(ex.moderated_out, np.int64),
            truth_ids=ids,
            truth=np.asarray([ex.polis_groups[i] for i in ids]),
        )
        inputs[name] = out
    for label, (n, m, nv) in {
        "synthetic 8k×8k, 1.4M votes": (8000, 8000, 1_400_000),
        "synthetic 18k×9k, 0.5M votes": (18000, 9000, 500_000),
    }.items():
        d = synthetic_conversation(n, m, nv, seed=1)
        out = tmp / f"synth-{n}.npz"
        np.savez(
            out,
            participants=d["participants"],
            statements=d["statements"],
            votes=d["votes"],
            moderated_out=d["moderated_out"],
            truth_ids=np.arange(n),
            truth=d["truth"],
        )
        inputs[label] = out
    return inputs


def measure(impl: str, path: Path, timeout: int) -> dict:
    try:
        proc = subprocess.run(
            [sys.executable, str(HERE / "run_one.py"), impl, str(path)],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return {"impl": impl, "error": f"timeout after {timeout}s"}
    if proc.returncode != 0:
        return {"impl": impl, "error": proc.stderr.strip().splitlines()[-1][:200]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def blas_info() -> str:
    try:
        from threadpoolctl import threadpool_info

        return ", ".join(
            f"{i.get('internal_api')} {i.get('architecture')} ×{i.get('num_threads')}" for i in threadpool_info()
        )
    except Exception:  # noqa: BLE001 - informative only
        return "unknown"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--skip-reddwarf", action="store_true")
    ap.add_argument("--timeout", type=int, default=900)
    ap.add_argument("--out", type=Path, default=None, help="write the JSON results here")
    args = ap.parse_args()
    machine = {
        "cpu": platform.processor() or platform.machine(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "blas": blas_info(),
        "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE", ""),
        "load_before": os.getloadavg()[0],
    }
    try:
        with open("/proc/cpuinfo") as fh:
            machine["cpu"] = next(line.split(":", 1)[1].strip() for line in fh if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        inputs = prepare(Path(tmp))
        print(f"inputs ready in {time.perf_counter() - t:.1f}s", file=sys.stderr)
        for label, path in inputs.items():
            ours = [measure("ours", path, args.timeout) for _ in range(args.repeat)]
            row = {"input": label, "ours": _summary(ours)}
            if not args.skip_reddwarf:
                # red-dwarf is slow on the big inputs: one run there, best of --repeat on small ones
                n = args.repeat if "synthetic" not in label else 1
                rd = [measure("reddwarf", path, args.timeout) for _ in range(n)]
                row["reddwarf"] = _summary(rd)
                if "seconds" in row["reddwarf"] and "seconds" in row["ours"]:
                    row["speedup"] = row["reddwarf"]["seconds"] / row["ours"]["seconds"]
            rows.append(row)
            print(json.dumps(row), file=sys.stderr)
    report = {"machine": machine, "results": rows}
    if args.out:
        args.out.write_text(json.dumps(report, indent=2))
    print(_markdown(report))


def _summary(runs: list[dict]) -> dict:
    ok = [r for r in runs if "seconds" in r]
    if not ok:
        return {"error": runs[0].get("error", "failed")}
    best = min(ok, key=lambda r: r["seconds"])
    return {
        "seconds": best["seconds"],
        "median_seconds": float(np.median([r["seconds"] for r in ok])),
        "peak_mb": max(r["peak_mb"] for r in ok),
        "k": best["k"],
        "ari": best["ari"],
        "n_mapped": best["n_mapped"],
        "runs": len(ok),
    }


def _fmt(d: dict, key: str, spec: str) -> str:
    return format(d[key], spec) if key in d and d[key] is not None else d.get("error", "–")


def _markdown(report: dict) -> str:
    lines = [
        "| input | ours s (best / median) | ours peak MB | ours k, ARI | red-dwarf s | "
        "red-dwarf peak MB | red-dwarf k, ARI | speed-up |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in report["results"]:
        o, rd = r["ours"], r.get("reddwarf", {})
        lines.append(
            f"| {r['input']} | {_fmt(o, 'seconds', '.2f')} / {_fmt(o, 'median_seconds', '.2f')} "
            f"| {_fmt(o, 'peak_mb', '.0f')} | {o.get('k')}, {_fmt(o, 'ari', '.3f')} "
            f"| {_fmt(rd, 'seconds', '.2f')} | {_fmt(rd, 'peak_mb', '.0f')} "
            f"| {rd.get('k')}, {_fmt(rd, 'ari', '.3f')} | "
            f"{format(r['speedup'], '.1f') + '×' if 'speedup' in r else '–'} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
