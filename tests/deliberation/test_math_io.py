"""Vote matrix construction and the Polis export reader/writer."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xieshang.deliberation.math import (
    PolisExportError,
    VoteMatrix,
    opinionmap_json,
    read_polis_export,
    write_polis_export,
)
from xieshang.deliberation.math.polis_io import Statement


def test_latest_vote_wins_and_pass_differs_from_missing():
    vm = VoteMatrix.from_triples([(1, 10, 1), (1, 10, -1), (2, 10, 0), (1, 11, 0), (1, 11, 1)])
    assert vm.triples() == [(1, 10, -1), (1, 11, 1), (2, 10, 0)]
    assert vm.votes_per_participant().tolist() == [2, 1]
    assert vm.n_votes == 3


def test_bad_vote_value_is_refused():
    with pytest.raises(ValueError, match="-1, 0 or 1"):
        VoteMatrix.from_triples([(1, 1, 2)])


def _write_sample(tmp_path):
    votes = [(0, 0, 1, 1000), (1, 0, -1, 1001), (0, 1, 0, 1002), (0, 0, -1, 1003), (2, 1, 1, 1004)]
    statements = [
        Statement(id=0, author_id=0, body='Says "hi", then\na newline', timestamp=900),
        Statement(id=1, author_id=2, body="二", moderated=-1, timestamp=901),
        Statement(id=2, author_id=2, body="never voted", timestamp=902),
    ]
    write_polis_export(tmp_path, votes, statements, groups={0: 1, 2: 0}, summary={"topic": "t"})
    return votes


def test_export_round_trip(tmp_path):
    _write_sample(tmp_path)
    ex = read_polis_export(tmp_path)
    assert ex.vote_matrix().triples() == [(0, 0, -1), (0, 1, 0), (1, 0, -1), (2, 1, 1)]
    assert ex.vote_matrix().statement_ids.tolist() == [0, 1, 2]
    assert ex.moderated_out == [1]
    assert ex.polis_groups == {0: 1, 2: 0}
    assert ex.summary["topic"] == "t" and ex.summary["comments"] == "3"
    assert ex.statements[0].body == 'Says "hi", then\na newline'
    # participants-votes.csv alone gives the same final votes
    (tmp_path / "votes.csv").unlink()
    assert read_polis_export(tmp_path).vote_matrix().triples() == ex.vote_matrix().triples()


def test_real_exports_agree_between_votes_and_participants_votes(polis_dir, tmp_path):
    ex = read_polis_export(polis_dir("15-per-hour-seattle"))
    pv_only = tmp_path / "pv"
    pv_only.mkdir()
    src = polis_dir("15-per-hour-seattle")
    for name in ("comments.csv", "participants-votes.csv"):
        (pv_only / name).write_bytes((src / name).read_bytes())
    assert read_polis_export(pv_only).vote_matrix().triples() == ex.vote_matrix().triples()
    assert ex.vote_matrix().n_votes == 2872
    assert len(ex.moderated_out) == 23


@pytest.mark.parametrize(
    ("name", "content", "line", "reason"),
    [
        ("votes.csv", "timestamp,datetime,comment-id,voter-id,vote\n1,x,0,0,1\n2,x,0,1,5\n", 3, "vote 5"),
        ("votes.csv", "timestamp,datetime,comment-id,voter-id,vote\n1,x,0,zero,1\n", 2, "voter-id"),
        ("votes.csv", "timestamp,datetime,comment-id,voter-id\n", 1, "header"),
        ("votes.csv", "timestamp,datetime,comment-id,voter-id,vote\n1,x,0,0\n", 2, "5 fields"),
        (
            "comments.csv",
            "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
            '1,x,0,0,0,0,0,"a\nb"\n1,x,1,0,0,0,2,c\n',
            4,
            "moderated 2",
        ),
        ("participants-votes.csv", None, 3, "not -1, 0, 1"),
        ("votes.csv", b"timestamp,datetime,comment-id,voter-id,vote\n1,\xff,0,0,1\n", 2, "UTF-8"),
        ("summary.csv", "topic,a\nvoters,many\n", 0, "voters"),
    ],
)
def test_malformed_file_names_file_line_reason(tmp_path, name, content, line, reason):
    _write_sample(tmp_path)
    path = tmp_path / name
    if content is None:
        lines = path.read_text().splitlines()
        cells = lines[2].split(",")
        cells[-1] = "7"
        lines[2] = ",".join(cells)
        path.write_text("\n".join(lines) + "\n")
    elif isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    with pytest.raises(PolisExportError) as err:
        read_polis_export(tmp_path)
    assert err.value.path.endswith(name)
    assert err.value.line == line
    assert reason in err.value.reason
    assert name in str(err.value)


def test_missing_files(tmp_path):
    with pytest.raises(PolisExportError, match="not a directory"):
        read_polis_export(tmp_path / "nope")
    with pytest.raises(PolisExportError, match="comments.csv"):
        read_polis_export(tmp_path)


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 6), st.integers(0, 4), st.sampled_from([-1, 0, 1])),
        max_size=40,
    )
)
def test_write_then_read_keeps_final_votes(tmp_path_factory, events):
    d = tmp_path_factory.mktemp("rt")
    write_polis_export(d, [(p, s, v, i) for i, (p, s, v) in enumerate(events)])
    final = {}
    for p, s, v in events:
        final[(p, s)] = v
    got = read_polis_export(d).vote_matrix().triples()
    assert got == sorted((p, s, v) for (p, s), v in final.items())


def test_opinionmap_json_on_written_export(tmp_path, planted):
    p, s, v, _truth = planted(n_participants=80, n_statements=20, seed=3)
    write_polis_export(tmp_path, list(zip(p.tolist(), s.tolist(), v.tolist(), strict=True)))
    out = opinionmap_json(tmp_path, seed=0)
    assert {"k", "groups", "consensus", "representative", "seconds"} <= set(out)
    assert set(out) == {"k", "groups", "consensus", "group-aware-consensus", "representative", "projected", "seconds"}
    assert json.loads(json.dumps(out)) == out
    assert set(out["groups"].values()) == set(range(out["k"]))
    assert set(out["representative"]) == {str(g) for g in range(out["k"])}
