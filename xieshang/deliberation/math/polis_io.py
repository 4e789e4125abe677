"""Read and write Polis' export format (comments.csv, votes.csv, participants-votes.csv, summary.csv).

Formats as described in shared/data/polis/README.md (the compdemocracy/openData exports). Reading
is all-or-nothing: the first malformed row raises PolisExportError naming the file, the line and
the reason, and nothing partial is returned.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from xieshang.core.exports import restore_cell, safe_cell

from .matrix import VoteMatrix

COMMENTS_HEADER = [
    "timestamp",
    "datetime",
    "comment-id",
    "author-id",
    "agrees",
    "disagrees",
    "moderated",
    "comment-body",
]
VOTES_HEADER = ["timestamp", "datetime", "comment-id", "voter-id", "vote"]
PV_FIXED = ["participant", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree"]
SUMMARY_KEYS = [
    "topic",
    "url",
    "views",
    "voters",
    "voters-in-conv",
    "commenters",
    "comments",
    "groups",
    "conversation-description",
]


class PolisExportError(ValueError):
    """A Polis export file is missing or malformed; says which file, which line and why."""

    def __init__(self, path: str | Path, line: int, reason: str):
        self.path = str(path)
        self.line = line
        self.reason = reason
        where = f"{self.path}, line {line}" if line else self.path
        super().__init__(f"{where}: {reason}")


@dataclass
class Statement:
    id: int
    author_id: int | None = None
    body: str = ""
    moderated: int = 0
    timestamp: int | None = None
    datetime: str = ""
    agrees: int = 0
    disagrees: int = 0


@dataclass
class PolisExport:
    """A parsed export. ``votes`` are events in time order: (participant, statement, vote) arrays."""

    statements: list[Statement]
    participants: np.ndarray
    statement_of_vote: np.ndarray
    votes: np.ndarray
    timestamps: np.ndarray | None
    polis_groups: dict[int, int] = field(default_factory=dict)
    summary: dict[str, str] = field(default_factory=dict)

    @property
    def moderated_out(self) -> list[int]:
        return [s.id for s in self.statements if s.moderated == -1]

    def vote_matrix(self) -> VoteMatrix:
        return VoteMatrix.from_arrays(
            self.participants,
            self.statement_of_vote,
            self.votes,
            extra_statement_ids=[s.id for s in self.statements],
        )


def _read_rows(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and (line number, fields) rows of a CSV file, with errors tied to a line."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PolisExportError(path, 0, f"cannot read file ({exc.strerror})") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise PolisExportError(path, line, "not valid UTF-8") from exc
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows = []
    try:
        header = next(reader, None)
        if header is None:
            raise PolisExportError(path, 1, "empty file, expected a header row")
        start = 2
        for fields in reader:
            rows.append((start, fields))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise PolisExportError(path, reader.line_num, f"bad CSV ({exc})") from exc
    return header, rows


def _check_header(path: Path, header: list[str], expected: Sequence[str]) -> None:
    if header[: len(expected)] != list(expected):
        raise PolisExportError(path, 1, f"unexpected header {header[: len(expected)]!r}, expected {list(expected)!r}")


def _int(path: Path, line: int, name: str, value: str, *, allowed=None, blank_ok=False):
    value = value.strip()
    if value == "" and blank_ok:
        return None
    try:
        number = int(value)
    except ValueError:
        raise PolisExportError(path, line, f"{name} {value!r} is not an integer") from None
    if allowed is not None and number not in allowed:
        raise PolisExportError(path, line, f"{name} {number} is not one of {sorted(allowed)}")
    return number


def _check_width(path: Path, line: int, fields: list[str], width: int) -> None:
    if len(fields) != width:
        raise PolisExportError(path, line, f"expected {width} fields, found {len(fields)}")


def read_comments(path: Path) -> list[Statement]:
    header, rows = _read_rows(path)
    _check_header(path, header, COMMENTS_HEADER)
    out, seen = [], set()
    for line, f in rows:
        _check_width(path, line, f, len(COMMENTS_HEADER))
        sid = _int(path, line, "comment-id", f[2])
        if sid in seen:
            raise PolisExportError(path, line, f"comment-id {sid} appears twice")
        seen.add(sid)
        out.append(
            Statement(
                id=sid,
                timestamp=_int(path, line, "timestamp", f[0], blank_ok=True),
                datetime=f[1],
                author_id=_int(path, line, "author-id", f[3], blank_ok=True),
                agrees=_int(path, line, "agrees", f[4], blank_ok=True) or 0,
                disagrees=_int(path, line, "disagrees", f[5], blank_ok=True) or 0,
                moderated=_int(path, line, "moderated", f[6], allowed={-1, 0, 1}),
                body=restore_cell(f[7]),
            )
        )
    return out


def read_votes(path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """votes.csv as (participants, statements, votes, timestamps), sorted by time (stable)."""
    header, rows = _read_rows(path)
    _check_header(path, header, VOTES_HEADER)
    n = len(rows)
    ts = np.empty(n, np.int64)
    sid = np.empty(n, np.int64)
    pid = np.empty(n, np.int64)
    vote = np.empty(n, np.int8)
    for i, (line, f) in enumerate(rows):
        _check_width(path, line, f, len(VOTES_HEADER))
        ts[i] = _int(path, line, "timestamp", f[0])
        sid[i] = _int(path, line, "comment-id", f[2])
        pid[i] = _int(path, line, "voter-id", f[3])
        vote[i] = _int(path, line, "vote", f[4], allowed={-1, 0, 1})
    order = np.argsort(ts, kind="stable")
    return pid[order], sid[order], vote[order], ts[order]


def read_participants_votes(
    path: Path,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[int, int]]:
    """participants-votes.csv as (participants, statements, votes) of the final votes, and groups."""
    header, rows = _read_rows(path)
    _check_header(path, header, PV_FIXED)
    cols = []
    for name in header[len(PV_FIXED) :]:
        try:
            cols.append(int(name))
        except ValueError:
            raise PolisExportError(path, 1, f"column {name!r} is not a comment id") from None
    cols_arr = np.asarray(cols, np.int64)
    width = len(header)
    p_out, s_out, v_out = [], [], []
    groups: dict[int, int] = {}
    seen = set()
    for line, f in rows:
        _check_width(path, line, f, width)
        pid = _int(path, line, "participant", f[0])
        if pid in seen:
            raise PolisExportError(path, line, f"participant {pid} appears twice")
        seen.add(pid)
        gid = _int(path, line, "group-id", f[1], blank_ok=True)
        if gid is not None:
            groups[pid] = gid
        for j, name in enumerate(PV_FIXED[2:], start=2):
            _int(path, line, name, f[j], blank_ok=True)
        cells = f[len(PV_FIXED) :]
        for j, cell in enumerate(cells):
            if cell == "":
                continue
            if cell not in ("1", "-1", "0"):
                raise PolisExportError(path, line, f"vote {cell!r} on comment {cols[j]} is not -1, 0, 1 or blank")
            p_out.append(pid)
            s_out.append(cols_arr[j])
            v_out.append(int(cell))
    return (
        np.asarray(p_out, np.int64),
        np.asarray(s_out, np.int64),
        np.asarray(v_out, np.int8),
        groups,
    )


def read_summary(path: Path) -> dict[str, str]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise PolisExportError(path, 0, f"cannot read file ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise PolisExportError(path, 1, "not valid UTF-8") from exc
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    out: dict[str, str] = {}
    start = 1
    try:
        for fields in reader:
            if not fields:
                start = reader.line_num + 1
                continue
            if len(fields) != 2:
                raise PolisExportError(path, start, f"expected key,value, found {len(fields)} fields")
            out[fields[0]] = restore_cell(fields[1])
            start = reader.line_num + 1
    except csv.Error as exc:
        raise PolisExportError(path, reader.line_num, f"bad CSV ({exc})") from exc
    if not out:
        raise PolisExportError(path, 1, "empty file")
    for key in ("views", "voters", "voters-in-conv", "commenters", "comments", "groups"):
        if key in out and out[key].strip() and not out[key].strip().lstrip("-").isdigit():
            raise PolisExportError(path, 0, f"{key} {out[key]!r} is not an integer")
    return out


def read_polis_export(dir_path: str | Path) -> PolisExport:
    """Read a Polis export folder.

    comments.csv is required, and votes.csv or participants-votes.csv (votes.csv, the event log,
    wins when both exist; participants-votes.csv then still supplies Polis' group-id column);
    summary.csv is optional.
    """
    d = Path(dir_path)
    if not d.is_dir():
        raise PolisExportError(d, 0, "not a directory")
    comments = d / "comments.csv"
    if not comments.is_file():
        raise PolisExportError(comments, 0, "missing: an export needs comments.csv")
    statements = read_comments(comments)
    votes_path, pv_path = d / "votes.csv", d / "participants-votes.csv"
    groups: dict[int, int] = {}
    pv = None
    if pv_path.is_file():
        pv = read_participants_votes(pv_path)
        groups = pv[3]
    if votes_path.is_file():
        p, s, v, ts = read_votes(votes_path)
    elif pv is not None:
        p, s, v, ts = pv[0], pv[1], pv[2], None
    else:
        raise PolisExportError(d / "votes.csv", 0, "missing: need votes.csv or participants-votes.csv")
    summary = read_summary(d / "summary.csv") if (d / "summary.csv").is_file() else {}
    return PolisExport(statements, p, s, v, ts, groups, summary)


def _fmt_datetime(ts_ms: int | None) -> str:
    if ts_ms is None:
        return ""
    return time.strftime("%a %b %d %H:%M:%S UTC %Y", time.gmtime(ts_ms / 1000))


def _write_votes(d: Path, events: list[tuple[int, int, int, int]]) -> None:
    with open(d / "votes.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(VOTES_HEADER)
        for p, s, v, ts in events:
            w.writerow([ts, _fmt_datetime(ts), s, p, v])


def _write_comments(d: Path, sids: list[int], stmts: dict, agrees: dict, disagrees: dict) -> None:
    with open(d / "comments.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(COMMENTS_HEADER)
        for sid in sids:
            st = stmts[sid]
            w.writerow(
                [
                    "" if st.timestamp is None else st.timestamp,
                    st.datetime or _fmt_datetime(st.timestamp),
                    sid,
                    "" if st.author_id is None else st.author_id,
                    agrees[sid],
                    disagrees[sid],
                    st.moderated,
                    safe_cell(st.body),
                ]
            )


def _write_participants_votes(d: Path, final: dict, stmts: dict, sids: list[int], pids: list[int], groups: dict):
    """participants-votes.csv; returns (statements authored per participant, latest votes per participant)."""
    authored: dict[int, int] = {}
    for st in stmts.values():
        if st.author_id is not None:
            authored[st.author_id] = authored.get(st.author_id, 0) + 1
    by_participant: dict[int, dict[int, int]] = {}
    for (p, s), v in final.items():
        by_participant.setdefault(p, {})[s] = v
    with open(d / "participants-votes.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(PV_FIXED + [str(s) for s in sids])
        for p in pids:
            mine = by_participant.get(p, {})
            w.writerow(
                [
                    p,
                    groups.get(p, ""),
                    authored.get(p, 0),
                    len(mine),
                    sum(1 for v in mine.values() if v == 1),
                    sum(1 for v in mine.values() if v == -1),
                ]
                + [mine.get(s, "") for s in sids]
            )
    return authored, by_participant


def write_polis_export(
    dir_path: str | Path,
    votes: Iterable[Sequence],
    statements: Iterable[Statement] | None = None,
    *,
    groups: Mapping | None = None,
    summary: Mapping[str, object] | None = None,
) -> None:
    """Write votes.csv, comments.csv, participants-votes.csv and summary.csv into ``dir_path``.

    ``votes`` are events (participant, statement, vote) or (participant, statement, vote,
    timestamp_ms) in time order; participants-votes.csv holds each pair's latest vote. ``groups``
    (participant → group number, e.g. ``result.groups``) fills the group-id column; ``summary``
    overrides summary.csv's computed values (topic, url, …).
    """
    d = Path(dir_path)
    d.mkdir(parents=True, exist_ok=True)
    events = []
    for i, row in enumerate(votes):
        p, s, v = int(row[0]), int(row[1]), int(row[2])
        if v not in (-1, 0, 1):
            raise ValueError(f"vote {v} of event {i} is not -1, 0 or 1")
        ts = int(row[3]) if len(row) > 3 and row[3] is not None else i
        events.append((p, s, v, ts))
    final: dict[tuple[int, int], int] = {}
    for p, s, v, _ts in events:
        final[(p, s)] = v
    stmts = {st.id: st for st in (statements or [])}
    for _p, s in final:
        stmts.setdefault(s, Statement(id=s))
    sids = sorted(stmts)
    agrees = dict.fromkeys(sids, 0)
    disagrees = dict.fromkeys(sids, 0)
    for (_p, s), v in final.items():
        if v == 1:
            agrees[s] += 1
        elif v == -1:
            disagrees[s] += 1
    groups = {int(k): int(v) for k, v in (groups or {}).items()}
    pids = sorted({p for p, _s in final} | set(groups))

    _write_votes(d, events)
    _write_comments(d, sids, stmts, agrees, disagrees)
    authored, by_participant = _write_participants_votes(d, final, stmts, sids, pids, groups)

    values: dict[str, object] = {
        "topic": "",
        "url": "",
        "views": 0,
        "voters": len(by_participant),
        "voters-in-conv": len(by_participant),
        "commenters": len(authored),
        "comments": len(sids),
        "groups": len(set(groups.values())),
        "conversation-description": "",
    }
    values.update(summary or {})
    with open(d / "summary.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        for key, value in values.items():
            w.writerow([key, safe_cell(value)])
