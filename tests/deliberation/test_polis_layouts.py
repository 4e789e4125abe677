"""Every public Polis export layout reads, on the shared real conversations rewritten into each layout."""

import csv
import functools
import json
from pathlib import Path

import pytest

from tests.deliberation.conftest import polis_data_dir
from tests.deliberation.polis_layouts import LAYOUTS, final_votes, rewrite, xid_of
from xieshang.deliberation.math import PolisExportError, read_polis_export

CONVERSATIONS = ["15-per-hour-seattle", "vtaiwan.uberx", "austria-climate.7z7ejpbmv5.2022-08-08"]


def _source(name: str) -> Path:
    d = polis_data_dir() / name
    if not (d / "comments.csv").is_file():
        pytest.skip(f"Polis open data not found at {d} (set XIESHANG_SHARED_DIR)")
    return d


@functools.cache
def _expected(name: str):
    src = _source(name)
    triples = sorted((p, c, v) for p, c, v, _t in final_votes(src))
    with open(src / "comments.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return (
        triples,
        sorted(int(r["comment-id"]) for r in rows),
        sorted(int(r["comment-id"]) for r in rows if r["moderated"] == "-1"),
    )


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("name", CONVERSATIONS)
def test_each_layout_reads_the_same_votes(tmp_path, name, layout):
    d = rewrite(_source(name), tmp_path / layout, layout)
    export = read_polis_export(d)
    triples, ids, moderated = _expected(name)
    assert export.vote_matrix().triples() == triples
    assert sorted(s.id for s in export.statements) == ids
    assert sorted(export.moderated_out) == moderated
    if layout == "current":
        assert export.layout == "current"
        with open(d / "participants-votes.csv", newline="", encoding="utf-8") as fh:
            want = {int(r["participant"]): r["xid"] for r in csv.DictReader(fh) if r["xid"]}
        assert export.xids == want
        if "austria" not in name:
            assert want and all(x == xid_of(str(p)) for p, x in export.xids.items())
    else:
        assert export.xids == {}
    if layout != "api-json":
        assert export.polis_groups, "participants-votes.csv's group-id column is kept"


def test_newer_layout_meta_and_seed_flags(tmp_path):
    d = rewrite(_source("15-per-hour-seattle"), tmp_path / "n", "newer-comments")
    path = d / "comments.csv"
    header, *rows = list(csv.reader(path.open(encoding="utf-8")))
    meta = header.index("is-meta")
    rows[0][meta] = "true"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows([header, *rows])
    export = read_polis_export(d)
    first = int(rows[0][header.index("comment-id")])
    assert next(s for s in export.statements if s.id == first).is_meta
    assert first in export.moderated_out  # Polis leaves meta statements out of the math
    assert any(s.is_seed for s in export.statements)


def test_api_json_sign_follows_the_agree_counts(tmp_path):
    d = rewrite(_source("15-per-hour-seattle"), tmp_path / "a", "api-json")
    straight = read_polis_export(d).vote_matrix().triples()
    votes = json.loads((d / "votes.json").read_text())
    for v in votes:
        v["vote"] = -v["vote"]
    (d / "votes.json").write_text(json.dumps(votes))
    assert read_polis_export(d).vote_matrix().triples() == straight


@pytest.mark.parametrize(
    ("layout", "file", "edit", "line", "column", "reason"),
    [
        ("current", "participants-votes.csv", lambda rows: rows[3].__setitem__(10, "yes"), 4, "11", "not -1, 0, 1"),
        (
            "current",
            "participants-votes.csv",
            lambda rows: rows[0].__setitem__(3, "n-things"),
            1,
            "4 (n-things)",
            "neither",
        ),
        (
            "newer-comments",
            "comments.csv",
            lambda rows: rows[2].__setitem__(7, "maybe"),
            3,
            "8 (is-meta)",
            "true or false",
        ),
        ("newer-comments", "comments.csv", lambda rows: rows[0].__setitem__(2, "id"), 1, "comment-id", "lacks"),
        ("classic", "votes.csv", lambda rows: rows[5].__setitem__(4, "2"), 6, "5 (vote)", "vote 2"),
        ("classic", "votes.csv", lambda rows: rows[9].__setitem__(3, "x"), 10, "4 (voter-id)", "voter-id"),
    ],
)
def test_errors_name_file_line_and_column(tmp_path, layout, file, edit, line, column, reason):
    d = rewrite(_source("15-per-hour-seattle"), tmp_path / layout, layout)
    path = d / file
    rows = list(csv.reader(path.open(encoding="utf-8", newline="")))
    edit(rows)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    with pytest.raises(PolisExportError) as err:
        read_polis_export(d)
    assert err.value.path.endswith(file)
    assert err.value.line == line
    assert column in (err.value.column or "")
    assert reason in err.value.reason
    assert f"line {line}" in str(err.value) and file in str(err.value)


def test_api_json_syntax_error_names_line_and_column(tmp_path):
    d = rewrite(_source("15-per-hour-seattle"), tmp_path / "a", "api-json")
    (d / "votes.json").write_text('[{"pid": 1,\n "tid": 2, "vote": }]')
    with pytest.raises(PolisExportError) as err:
        read_polis_export(d)
    assert err.value.line == 2 and err.value.column == "20"


def test_polis_math_fixtures_read(polis_math_dir):
    for name in ("below-100-ptpts", "25ptpt-3gp-no-strict-with-meta"):
        d = polis_math_dir(name)
        export = read_polis_export(d)
        comments = json.loads((d / "comments.json").read_text())
        vm = export.vote_matrix()
        values = vm.values().toarray()
        for c in comments:
            sid = c.get("tid", c.get("statement_id"))
            j = vm.statement_ids.tolist().index(sid) if sid in vm.statement_ids else None
            agrees = int((values[:, j] > 0).sum()) if j is not None else 0
            assert agrees == c["agree_count"], sid
