"""Read and write Polis' export format (comments.csv, votes.csv, participants-votes.csv, summary.csv).

Formats as described in shared/data/polis/README.md (the compdemocracy/openData exports). Reading
is all-or-nothing: the first malformed row raises PolisExportError naming the file, the line and
the reason, and nothing partial is returned.
"""

from __future__ import annotations

import csv
import io
import json
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
# The newer comments.csv layout of some public exports: no datetime, meta and seed flags, Polis'
# group-informed consensus. Columns are read by name, so either layout (or a reordering) reads.
COMMENTS_HEADER_NEWER = [
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
COMMENTS_KNOWN = set(COMMENTS_HEADER) | set(COMMENTS_HEADER_NEWER) | {"passes"}
VOTES_HEADER = ["timestamp", "datetime", "comment-id", "voter-id", "vote"]
VOTES_REQUIRED = ["timestamp", "comment-id", "voter-id", "vote"]
PV_FIXED = ["participant", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree"]
# The current export adds the participant's external id (xid) after ``participant``.
PV_FIXED_CURRENT = ["participant", "xid", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree"]
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
TRUE_WORDS = {"1", "true", "t", "yes"}
FALSE_WORDS = {"", "0", "false", "f", "no"}


class PolisExportError(ValueError):
    """A Polis export file is missing or malformed; says which file, which line, which column and why."""

    def __init__(self, path: str | Path, line: int, reason: str, column: str | None = None):
        self.path = str(path)
        self.line = line
        self.reason = reason
        self.column = column
        where = f"{self.path}, line {line}" if line else self.path
        if column:
            where += f", column {column}"
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
    is_meta: bool = False
    is_seed: bool = False


@dataclass
class PolisExport:
    """A parsed export. ``votes`` are events in time order: (participant, statement, vote) arrays.

    ``xids`` maps participant ids to the external ids of the current export format (participants
    who came through an embedding site's login); ``layout`` names the format that was read."""

    statements: list[Statement]
    participants: np.ndarray
    statement_of_vote: np.ndarray
    votes: np.ndarray
    timestamps: np.ndarray | None
    polis_groups: dict[int, int] = field(default_factory=dict)
    summary: dict[str, str] = field(default_factory=dict)
    xids: dict[int, str] = field(default_factory=dict)
    layout: str = "classic"

    @property
    def moderated_out(self) -> list[int]:
        """Statements the map leaves out: moderated out, and meta statements (Polis' mod-out and meta-tids)."""
        return [s.id for s in self.statements if s.moderated == -1 or s.is_meta]

    def vote_matrix(self) -> VoteMatrix:
        return VoteMatrix.from_arrays(
            self.participants,
            self.statement_of_vote,
            self.votes,
            extra_statement_ids=[s.id for s in self.statements],
        )


def _decode(path: Path, raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise PolisExportError(path, line, "not valid UTF-8") from exc


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise PolisExportError(path, 0, f"cannot read file ({exc.strerror})") from exc


def _read_rows(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and (line number, fields) rows of a CSV file, with errors tied to a line."""
    text = _decode(path, _read_bytes(path))
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
    return [h.strip() for h in header], rows


def _columns(path: Path, header: list[str], required: Sequence[str]) -> dict[str, int]:
    """Column positions by name; a missing required column or a repeated name is an error on line 1."""
    where: dict[str, int] = {}
    for i, name in enumerate(header):
        if name in where:
            raise PolisExportError(path, 1, f"header names column {name!r} twice", _col(i, name))
        where[name] = i
    for name in required:
        if name not in where:
            raise PolisExportError(
                path, 1, f"header lacks the column {name!r} (found {header!r})", _col(len(header), name)
            )
    return where


def _col(index: int, name: str) -> str:
    return f"{index + 1} ({name})"


class _Row:
    """One CSV row with its line number, read by column name; errors name the file, line and column."""

    __slots__ = ("cols", "fields", "line", "path")

    def __init__(self, path: Path, cols: dict[str, int], line: int, fields: list[str]):
        self.path, self.cols, self.line, self.fields = path, cols, line, fields

    def fail(self, name: str, reason: str):
        raise PolisExportError(self.path, self.line, reason, _col(self.cols[name], name))

    def text(self, name: str, default: str = "") -> str:
        i = self.cols.get(name)
        return default if i is None else self.fields[i]

    def int(self, name: str, *, allowed=None, blank_ok: bool = False):
        if name not in self.cols:
            return None
        value = self.fields[self.cols[name]].strip()
        if value == "" and blank_ok:
            return None
        try:
            number = int(value)
        except ValueError:
            try:
                as_float = float(value)
            except ValueError:
                as_float = None
            if as_float is None or not as_float.is_integer():
                self.fail(name, f"{name} {value!r} is not an integer")
            number = int(as_float)
        if allowed is not None and number not in allowed:
            self.fail(name, f"{name} {number} is not one of {sorted(allowed)}")
        return number

    def flag(self, name: str) -> bool:
        value = self.text(name).strip().lower()
        if value in TRUE_WORDS:
            return True
        if value not in FALSE_WORDS:
            self.fail(name, f"{name} {value!r} is not true or false")
        return False


def _check_width(path: Path, line: int, fields: list[str], width: int) -> None:
    if len(fields) != width:
        raise PolisExportError(path, line, f"expected {width} fields, found {len(fields)}")


def read_comments(path: Path) -> list[Statement]:
    """comments.csv in the classic or the newer layout (columns found by name)."""
    header, rows = _read_rows(path)
    cols = _columns(path, header, ["comment-id", "comment-body"])
    out, seen = [], set()
    for line, f in rows:
        if not f:
            continue
        _check_width(path, line, f, len(header))
        r = _Row(path, cols, line, f)
        sid = r.int("comment-id")
        if sid in seen:
            r.fail("comment-id", f"comment-id {sid} appears twice")
        seen.add(sid)
        out.append(
            Statement(
                id=sid,
                timestamp=r.int("timestamp", blank_ok=True),
                datetime=r.text("datetime"),
                author_id=r.int("author-id", blank_ok=True),
                agrees=r.int("agrees", blank_ok=True) or 0,
                disagrees=r.int("disagrees", blank_ok=True) or 0,
                moderated=r.int("moderated", allowed={-1, 0, 1}, blank_ok=True) or 0,
                is_meta=r.flag("is-meta"),
                is_seed=r.flag("is-seed"),
                body=restore_cell(r.text("comment-body")),
            )
        )
    return out


def _votes_header(path: Path, raw: bytes) -> list[str]:
    end = raw.find(b"\n")
    first = (raw if end < 0 else raw[:end]).rstrip(b"\r")  # not split(): that would copy the whole file
    if not first.strip():
        raise PolisExportError(path, 1, "empty file, expected a header row")
    return [h.strip() for h in next(csv.reader([_decode(path, first)]))]


def _read_votes_fast(raw: bytes, header: list[str]):
    """votes.csv through pyarrow's C++ CSV reader; None when anything is off.

    One thread: on two cores the parse takes 0.14 s of CPU alone and 0.2-0.4 s with pyarrow's pool (hand-offs and
    spinning), and a busy machine gets no faster wall time from the pool either.

    The fast path only ever accepts a file that is entirely valid; on any doubt it returns None and the strict
    line-by-line reader re-reads the file and names the first bad line and column."""
    try:
        import pyarrow as pa
        import pyarrow.csv as pacsv
    except ImportError:  # pragma: no cover - pyarrow is pinned in requirements/base.txt
        return None
    types = {"timestamp": pa.int64(), "comment-id": pa.int64(), "voter-id": pa.int64(), "vote": pa.int8()}
    try:
        table = pacsv.read_csv(
            pa.py_buffer(raw),
            read_options=pacsv.ReadOptions(block_size=8 << 20, use_threads=False),
            parse_options=pacsv.ParseOptions(newlines_in_values=False),
            convert_options=pacsv.ConvertOptions(
                include_columns=list(types),
                column_types=types,
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError, ValueError):
        return None
    if table.num_rows == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int8), np.zeros(0, np.int64)
    out = []
    for name in ("voter-id", "comment-id", "vote", "timestamp"):
        column = table.column(name)
        if column.null_count:
            return None
        out.append(column.to_numpy())
    pid, sid, vote, ts = out
    if vote.min() < -1 or vote.max() > 1:
        return None
    return pid, sid, vote, ts


def _read_votes_strict(path: Path, raw: bytes):
    header, rows = _read_rows(path)
    cols = _columns(path, header, VOTES_REQUIRED)
    n = len(rows)
    ts = np.empty(n, np.int64)
    sid = np.empty(n, np.int64)
    pid = np.empty(n, np.int64)
    vote = np.empty(n, np.int8)
    for i, (line, f) in enumerate(rows):
        _check_width(path, line, f, len(header))
        r = _Row(path, cols, line, f)
        ts[i] = r.int("timestamp")
        sid[i] = r.int("comment-id")
        pid[i] = r.int("voter-id")
        vote[i] = r.int("vote", allowed={-1, 0, 1})
    return pid, sid, vote, ts


def read_votes(path: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """votes.csv as (participants, statements, votes, timestamps), sorted by time (stable)."""
    raw = _read_bytes(path)
    header = _votes_header(path, raw)
    _columns(path, header, VOTES_REQUIRED)
    # Validate the encoding up front: the fast reader skips the columns it does not convert.
    try:
        if not raw.isascii():  # ASCII (the usual votes.csv) is valid UTF-8; isascii() is a fast scan
            raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PolisExportError(path, raw[: exc.start].count(b"\n") + 1, "not valid UTF-8") from exc
    fast = _read_votes_fast(raw, header)
    pid, sid, vote, ts = fast if fast is not None else _read_votes_strict(path, raw)
    if len(ts) > 1 and not (ts[1:] >= ts[:-1]).all():
        order = np.argsort(ts, kind="stable")
        pid, sid, vote, ts = pid[order], sid[order], vote[order], ts[order]
    return pid, sid, vote, ts


def read_participants_votes(
    path: Path,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[int, int], dict[int, str]]:
    """participants-votes.csv (classic, or current with ``xid``) as the final votes, Polis' groups and xids."""
    header, rows = _read_rows(path)
    cols = _columns(path, header, ["participant", "group-id"])
    fixed = set(PV_FIXED_CURRENT)
    comment_cols: list[int] = []
    comment_pos: list[int] = []
    for i, name in enumerate(header):
        if name in fixed:
            continue
        try:
            comment_cols.append(int(name))
        except ValueError:
            raise PolisExportError(
                path, 1, f"column {name!r} is neither a Polis column nor a comment id", _col(i, name)
            ) from None
        comment_pos.append(i)
    cols_arr = np.asarray(comment_cols, np.int64)
    pos_arr = np.asarray(comment_pos, np.int64)
    width = len(header)
    p_out, s_out, v_out = [], [], []
    groups: dict[int, int] = {}
    xids: dict[int, str] = {}
    seen = set()
    codes = {"1": 1, "-1": -1, "0": 0, "1.0": 1, "-1.0": -1, "0.0": 0}
    for line, f in rows:
        if not f:
            continue
        _check_width(path, line, f, width)
        r = _Row(path, cols, line, f)
        pid = r.int("participant")
        if pid in seen:
            r.fail("participant", f"participant {pid} appears twice")
        seen.add(pid)
        gid = r.int("group-id", blank_ok=True)
        if gid is not None:
            groups[pid] = gid
        xid = r.text("xid").strip()
        if xid:
            xids[pid] = xid
        for name in ("n-comments", "n-votes", "n-agree", "n-disagree"):
            r.int(name, blank_ok=True)
        cells = np.asarray(f, dtype=object)[pos_arr] if len(pos_arr) else np.zeros(0, object)
        voted = np.flatnonzero(cells != "")
        for j in voted:
            value = codes.get(cells[j])
            if value is None:
                name = header[pos_arr[j]]
                r.cols.setdefault(name, int(pos_arr[j]))
                r.fail(name, f"vote {cells[j]!r} on comment {comment_cols[j]} is not -1, 0, 1 or blank")
            v_out.append(value)
        p_out.append(np.full(len(voted), pid, np.int64))
        s_out.append(cols_arr[voted])
    return (
        np.concatenate(p_out) if p_out else np.zeros(0, np.int64),
        np.concatenate(s_out) if s_out else np.zeros(0, np.int64),
        np.asarray(v_out, np.int8),
        groups,
        xids,
    )


def read_summary(path: Path) -> dict[str, str]:
    text = _decode(path, _read_bytes(path))
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


def _load_json(path: Path):
    text = _decode(path, _read_bytes(path))
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise PolisExportError(path, exc.lineno, f"bad JSON ({exc.msg})", str(exc.colno)) from exc


def _api_field(path: Path, item: dict, index: int, names: Sequence[str], *, required: bool = True):
    for name in names:
        if name in item:
            return item[name]
    if required:
        raise PolisExportError(path, 0, f"entry {index} lacks {' or '.join(repr(n) for n in names)}")
    return None


def _api_int(path: Path, value, index: int, name: str, allowed=None) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise PolisExportError(path, 0, f"entry {index}: {name} {value!r} is not an integer")
    try:
        number = int(float(value))
    except ValueError:
        raise PolisExportError(path, 0, f"entry {index}: {name} {value!r} is not an integer") from None
    if allowed is not None and number not in allowed:
        raise PolisExportError(path, 0, f"entry {index}: {name} {number} is not one of {sorted(allowed)}")
    return number


def _read_api_export(d: Path) -> PolisExport:
    """The Polis API's JSON (conversation.json, comments.json, votes.json), as the red-dwarf fixtures hold it.

    Older API dumps name the ids ``tid``/``pid`` and moderation ``mod``; newer ones ``statement_id``/
    ``participant_id`` and ``moderated``. The vote sign is checked against the comments' agree counts: the raw
    Polis API counts -1 as agree, the exports count 1 as agree."""
    cpath, vpath = d / "comments.json", d / "votes.json"
    comments = _load_json(cpath)
    if not isinstance(comments, list):
        raise PolisExportError(cpath, 1, "expected a JSON list of comments")
    statements = []
    agree_counts = {}
    for i, c in enumerate(comments):
        if not isinstance(c, dict):
            raise PolisExportError(cpath, 0, f"entry {i} is not an object")
        sid = _api_int(cpath, _api_field(cpath, c, i, ("tid", "statement_id")), i, "tid")
        author = _api_field(cpath, c, i, ("pid", "participant_id"), required=False)
        mod = _api_field(cpath, c, i, ("mod", "moderated"), required=False)
        created = _api_field(cpath, c, i, ("created",), required=False)
        ts = None
        if isinstance(created, (int, float)) or (isinstance(created, str) and created.isdigit()):
            ts = int(created)
        statements.append(
            Statement(
                id=sid,
                author_id=None if author is None else _api_int(cpath, author, i, "pid"),
                body=str(_api_field(cpath, c, i, ("txt", "text"), required=False) or ""),
                moderated=0 if mod is None else _api_int(cpath, mod, i, "mod", allowed={-1, 0, 1}),
                timestamp=ts,
                agrees=int(c.get("agree_count") or 0),
                disagrees=int(c.get("disagree_count") or 0),
                is_meta=bool(c.get("is_meta")),
                is_seed=bool(c.get("is_seed")),
            )
        )
        if "agree_count" in c:
            agree_counts[sid] = (int(c.get("agree_count") or 0), int(c.get("disagree_count") or 0))
    votes = _load_json(vpath)
    if not isinstance(votes, list):
        raise PolisExportError(vpath, 1, "expected a JSON list of votes")
    n = len(votes)
    pid, sid_arr, vote = np.empty(n, np.int64), np.empty(n, np.int64), np.empty(n, np.int8)
    ts_arr = np.empty(n, np.int64)
    for i, v in enumerate(votes):
        if not isinstance(v, dict):
            raise PolisExportError(vpath, 0, f"entry {i} is not an object")
        pid[i] = _api_int(vpath, _api_field(vpath, v, i, ("pid", "participant_id")), i, "pid")
        sid_arr[i] = _api_int(vpath, _api_field(vpath, v, i, ("tid", "statement_id")), i, "tid")
        vote[i] = _api_int(vpath, _api_field(vpath, v, i, ("vote",)), i, "vote", allowed={-1, 0, 1})
        modified = _api_field(vpath, v, i, ("modified", "created"), required=False)
        ts_arr[i] = _api_int(vpath, modified, i, "modified") if modified is not None else i
    order = np.argsort(ts_arr, kind="stable")
    pid, sid_arr, vote, ts_arr = pid[order], sid_arr[order], vote[order], ts_arr[order]
    if agree_counts and n and _sign_flipped(pid, sid_arr, vote, agree_counts):
        vote = -vote
    return PolisExport(statements, pid, sid_arr, vote, ts_arr, {}, _api_summary(d), {}, "api-json")


def _sign_flipped(pid, sid, vote, agree_counts: dict) -> bool:
    """Whether the final votes match the comments' agree counts better with -1 read as agree (the raw API)."""
    vm = VoteMatrix.from_arrays(pid, sid, vote)
    agree_like = np.asarray((vm.values().tocsc() > 0).sum(axis=0)).ravel()
    known = [(j, agree_counts[s]) for j, s in enumerate(vm.statement_ids.tolist()) if s in agree_counts]
    straight = sum(abs(agree_like[j] - a) for j, (a, _d) in known)
    flipped = sum(abs(agree_like[j] - d) for j, (_a, d) in known)
    return flipped < straight


def _api_summary(d: Path) -> dict[str, str]:
    conv_path = d / "conversation.json"
    if not conv_path.is_file():
        return {}
    conv = _load_json(conv_path)
    if not isinstance(conv, dict):
        return {}
    return {
        "topic": str(conv.get("topic") or ""),
        "conversation-description": str(conv.get("description") or ""),
        "url": f"https://pol.is/{conv['conversation_id']}" if conv.get("conversation_id") else "",
    }


def read_polis_export(dir_path: str | Path, *, with_groups: bool = True) -> PolisExport:
    """Read a Polis export folder, in any of the public formats.

    CSV exports: comments.csv (classic or newer layout) and votes.csv or participants-votes.csv (classic, or
    current with ``xid``); votes.csv, the event log, wins when both exist, and participants-votes.csv then
    still supplies Polis' group-id column and the xids (skipped when ``with_groups`` is False and votes.csv
    exists, which is all a map needs); summary.csv is optional. The Polis API's JSON (comments.json,
    votes.json, conversation.json) reads too.
    """
    d = Path(dir_path)
    if not d.is_dir():
        raise PolisExportError(d, 0, "not a directory")
    comments = d / "comments.csv"
    if not comments.is_file():
        if (d / "comments.json").is_file() and (d / "votes.json").is_file():
            return _read_api_export(d)
        raise PolisExportError(comments, 0, "missing: an export needs comments.csv (or comments.json and votes.json)")
    statements = read_comments(comments)
    votes_path, pv_path = d / "votes.csv", d / "participants-votes.csv"
    groups: dict[int, int] = {}
    xids: dict[int, str] = {}
    pv = None
    if pv_path.is_file() and (with_groups or not votes_path.is_file()):
        pv = read_participants_votes(pv_path)
        groups, xids = pv[3], pv[4]
    if votes_path.is_file():
        p, s, v, ts = read_votes(votes_path)
    elif pv is not None:
        p, s, v, ts = pv[0], pv[1], pv[2], None
    else:
        raise PolisExportError(d / "votes.csv", 0, "missing: need votes.csv or participants-votes.csv")
    summary = read_summary(d / "summary.csv") if (d / "summary.csv").is_file() else {}
    layout = "current" if xids or (pv is not None and pv_path.is_file() and _has_xid(pv_path)) else "classic"
    return PolisExport(statements, p, s, v, ts, groups, summary, xids, layout)


def _has_xid(path: Path) -> bool:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return "xid" in next(csv.reader(fh), [])


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
        # Meta and seed flags, when there are any, go in the newer layout's columns (read by name).
        flags = any(st.is_meta or st.is_seed for st in stmts.values())
        w.writerow(COMMENTS_HEADER + (["is-meta", "is-seed"] if flags else []))
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
                + (["true" if st.is_meta else "false", "true" if st.is_seed else "false"] if flags else [])
            )


def _write_participants_votes(
    d: Path, final: dict, stmts: dict, sids: list[int], pids: list[int], groups: dict, xids: dict | None = None
):
    """participants-votes.csv (with the current format's xid column when there are xids).

    Returns (statements authored per participant, latest votes per participant)."""
    authored: dict[int, int] = {}
    for st in stmts.values():
        if st.author_id is not None:
            authored[st.author_id] = authored.get(st.author_id, 0) + 1
    by_participant: dict[int, dict[int, int]] = {}
    for (p, s), v in final.items():
        by_participant.setdefault(p, {})[s] = v
    with open(d / "participants-votes.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow((PV_FIXED_CURRENT if xids else PV_FIXED) + [str(s) for s in sids])
        for p in pids:
            mine = by_participant.get(p, {})
            w.writerow(
                [p]
                + ([safe_cell(xids.get(p, ""))] if xids else [])
                + [
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
    xids: Mapping | None = None,
) -> None:
    """Write votes.csv, comments.csv, participants-votes.csv and summary.csv into ``dir_path``.

    ``votes`` are events (participant, statement, vote) or (participant, statement, vote,
    timestamp_ms) in time order; participants-votes.csv holds each pair's latest vote. ``groups``
    (participant → group number, e.g. ``result.groups``) fills the group-id column; ``summary``
    overrides summary.csv's computed values (topic, url, …); ``xids`` (participant → external id) writes the
    current format's xid column.
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
    xid_map = {int(k): str(v) for k, v in (xids or {}).items() if v}
    authored, by_participant = _write_participants_votes(d, final, stmts, sids, pids, groups, xid_map)

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
