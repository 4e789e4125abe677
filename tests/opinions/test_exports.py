"""core.exports.safe_cell: text that a spreadsheet would read as a formula is made inert (issue #11)."""

import csv
import io
from datetime import date

import pytest

from xieshang.core.exports import safe_cell


@pytest.mark.parametrize(
    "text",
    ["=1+1", '=HYPERLINK("http://evil.example","点我")', "+86 371", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1"],
)
def test_formula_like_text_gets_a_leading_quote(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["关于加装电梯的建议", "", "a=b", "1-2", 12, -3, 1.5, None, date(2026, 1, 1)])
def test_other_values_are_unchanged(value):
    assert safe_cell(value) == value


def test_a_csv_row_written_through_it_holds_no_formula():
    buffer = io.StringIO()
    csv.writer(buffer).writerow([safe_cell(v) for v in ("=cmd|' /C calc'!A0", "标题", 3)])
    cells = next(csv.reader(io.StringIO(buffer.getvalue())))
    assert cells == ["'=cmd|' /C calc'!A0", "标题", "3"]
    assert not any(c.startswith(("=", "+", "-", "@")) for c in cells)
