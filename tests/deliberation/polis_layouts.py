"""Rewrite a Polis export into each public layout, so the reader is tested on every one with real votes.

    python tests/deliberation/polis_layouts.py SRC_DIR DST_DIR [LAYOUT ...]

Layouts (shared/data/polis/README.md and shared/data/polis-math/README.md):
- ``classic``: comments.csv with a datetime column, votes.csv, participants-votes.csv without xid;
- ``current``: participants-votes.csv with an ``xid`` column after ``participant`` and no votes.csv (as the
  austria-climate export);
- ``newer-comments``: comments.csv as timestamp,comment-id,author-id,agrees,disagrees,moderated,is-meta,is-seed,
  group-informed-consensus,comment-body, columns shuffled to prove they are read by name;
- ``api-json``: the Polis API's comments.json / votes.json / conversation.json, with the raw API's vote sign
  (-1 = agree) and the older ``tid``/``pid`` key names.

Built from the source's files with the csv and json modules only, independently of the reader under test.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

LAYOUTS = ("classic", "current", "newer-comments", "api-json")
NEWER = [
    "timestamp",
    "comment-id",
    "author-id",
    "agrees",
    "disagrees",
    "moderated",
    "is-meta",
    "is-seed",
    "group-informed-consensus",
    "comment-body",
]


def _rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, header: list[str], rows: list[dict]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, header, lineterminator="\n", extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)


def _copy(src: Path, dst: Path, name: str) -> None:
    if (src / name).is_file():
        (dst / name).write_bytes((src / name).read_bytes())


def xid_of(pid: str) -> str:
    """The xid the rewritten current-format export gives a participant that had none."""
    return f"ext-{int(pid):05d}"


def final_votes(src: Path) -> list[tuple[int, int, int, int]]:
    """(participant, comment, vote, timestamp) of each pair's final vote, from votes.csv or participants-votes.csv."""
    if (src / "votes.csv").is_file():
        final: dict[tuple[int, int], tuple[int, int]] = {}
        _h, rows = _rows(src / "votes.csv")
        for r in sorted(rows, key=lambda r: int(r["timestamp"])):
            final[(int(r["voter-id"]), int(r["comment-id"]))] = (int(r["vote"]), int(r["timestamp"]))
        return [(p, c, v, t) for (p, c), (v, t) in final.items()]
    header, rows = _rows(src / "participants-votes.csv")
    comment_cols = [h for h in header if h.lstrip("-").isdigit()]
    out = []
    for i, r in enumerate(rows):
        for c in comment_cols:
            if r[c] != "":
                out.append((int(r["participant"]), int(c), int(r[c]), i))
    return out


def rewrite(src: Path, dst: Path, layout: str) -> Path:
    src, dst = Path(src), Path(dst)
    dst.mkdir(parents=True, exist_ok=True)
    c_header, comments = _rows(src / "comments.csv")
    if layout == "classic":
        _copy(src, dst, "comments.csv")
        _copy(src, dst, "votes.csv")
        _copy(src, dst, "summary.csv")
        header, rows = _rows(src / "participants-votes.csv")
        _write(dst / "participants-votes.csv", [h for h in header if h != "xid"], rows)
    elif layout == "current":
        _copy(src, dst, "comments.csv")
        _copy(src, dst, "summary.csv")
        header, rows = _rows(src / "participants-votes.csv")
        if "xid" not in header:
            header = [header[0], "xid", *header[1:]]
            for r in rows:
                r["xid"] = xid_of(r["participant"])
        _write(dst / "participants-votes.csv", header, rows)
    elif layout == "newer-comments":
        for r in comments:
            r["is-meta"] = "false"
            r["is-seed"] = "true" if r.get("author-id") == "0" else "false"
            r["group-informed-consensus"] = "0.5"
        # A different column order than the README's, to prove columns are found by name.
        _write(dst / "comments.csv", [NEWER[-1], *NEWER[:-1]], comments)
        for name in ("votes.csv", "participants-votes.csv", "summary.csv"):
            _copy(src, dst, name)
    elif layout == "api-json":
        votes = final_votes(src)
        counts: dict[int, list[int]] = {}
        for _p, c, v, _t in votes:
            counts.setdefault(c, [0, 0, 0])[{1: 0, -1: 1, 0: 2}[v]] += 1
        api_comments = []
        for r in comments:
            a, d, s = counts.get(int(r["comment-id"]), [0, 0, 0])
            api_comments.append(
                {
                    "txt": r["comment-body"],
                    "tid": int(r["comment-id"]),
                    "created": r.get("timestamp") or None,
                    "is_seed": False,
                    "is_meta": False,
                    "pid": int(r["author-id"]) if r.get("author-id") else None,
                    "mod": int(r["moderated"]),
                    "agree_count": a,
                    "disagree_count": d,
                    "pass_count": s,
                    "count": a + d + s,
                }
            )
        # The raw Polis API counts -1 as agree.
        api_votes = [{"pid": p, "tid": c, "vote": -v, "modified": t} for p, c, v, t in votes]
        (dst / "comments.json").write_text(json.dumps(api_comments, ensure_ascii=False), encoding="utf-8")
        (dst / "votes.json").write_text(json.dumps(api_votes), encoding="utf-8")
        (dst / "conversation.json").write_text(
            json.dumps({"topic": src.name, "conversation_id": "x"}), encoding="utf-8"
        )
    else:
        raise ValueError(f"unknown layout {layout!r}, expected one of {LAYOUTS}")
    return dst


if __name__ == "__main__":
    source, target, *wanted = sys.argv[1:]
    for name in wanted or LAYOUTS:
        print(rewrite(Path(source), Path(target) / name, name))
