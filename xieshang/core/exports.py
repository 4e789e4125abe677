"""Helpers for files that users open in a spreadsheet (CSV, Excel).

A cell whose text begins with "=", "+", "-" or "@" (or a tab or carriage return, which some spreadsheets skip before
reading the formula) is read as a formula by Excel and LibreOffice: a title such as `=HYPERLINK("http://…")` typed
by a member would run on the staff member's machine that opens the export (CSV/formula injection, OWASP). Every
export writes user-typed text through `safe_cell`, which keeps the text readable and makes it inert."""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """The value to write into a spreadsheet cell: text that a spreadsheet would read as a formula gets a leading
    single quote; other values (numbers, dates, None, harmless text) are returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def restore_cell(value: Any) -> Any:
    """The text `safe_cell` was given, read back from an export this platform wrote (the Polis export's re-import)."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value
