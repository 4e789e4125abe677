"""Issue #11: text that a spreadsheet would run as a formula is neutralised in every CSV and Excel export."""

import io

import pytest

from xieshang.core.exports import restore_cell, safe_cell

DANGEROUS = ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+1", '=HYPERLINK("http://x","y")']


@pytest.mark.parametrize("text", DANGEROUS)
def test_safe_cell_quotes_text_that_starts_a_formula(text):
    assert safe_cell(text) == "'" + text
    assert restore_cell(safe_cell(text)) == text


@pytest.mark.parametrize("value", ["普通文本", "a=1", "", None, 5, -3, 2.5, "'already"])
def test_safe_cell_leaves_other_values_alone(value):
    assert safe_cell(value) == value


def test_proposal_statistics_workbook_neutralises_formulas():
    from openpyxl import load_workbook

    from xieshang.proposals.statistics import Period, Table, statistics_xlsx

    stats = {
        "period": Period(year=2026),
        "total": 1,
        "filed": 1,
        "replied": 0,
        "on_time": 0,
        "on_time_rate": 0.0,
        "rated": 0,
        "content": 0,
        "satisfaction_rate": 0.0,
        "tables": [Table(key="units", title="按承办单位", columns=["单位", "件数"], rows=[["=1+1", 3], ["-2", -2]])],
    }
    book = load_workbook(io.BytesIO(statistics_xlsx("@org", stats)))
    assert book["概况"]["A1"].value == "'@org"
    rows = list(book["按承办单位"].iter_rows(min_row=2, values_only=True))
    assert rows == [("'=1+1", 3), ("'-2", -2)]
    assert all(cell.data_type != "f" for row in book["按承办单位"].iter_rows() for cell in row)


def test_deliberation_polis_export_neutralises_formulas_and_reads_back(tmp_path):
    from xieshang.deliberation.math import read_polis_export, write_polis_export
    from xieshang.deliberation.math.polis_io import Statement

    statements = [Statement(id=0, body="=1+1"), Statement(id=1, body="@cmd|' /C calc'!A0"), Statement(id=2, body="好")]
    write_polis_export(tmp_path, [(0, 0, 1), (0, 1, -1), (1, 2, 1)], statements, summary={"topic": "=1+1"})
    comments = (tmp_path / "comments.csv").read_text(encoding="utf-8")
    assert ",'=1+1" in comments and ",'@cmd" in comments and ",=1+1" not in comments
    assert "topic,'=1+1" in (tmp_path / "summary.csv").read_text(encoding="utf-8")
    export = read_polis_export(tmp_path)
    assert [s.body for s in sorted(export.statements, key=lambda s: s.id)] == ["=1+1", "@cmd|' /C calc'!A0", "好"]
    assert export.summary["topic"] == "=1+1"
