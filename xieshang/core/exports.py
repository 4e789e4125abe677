"""Cells written into CSV and Excel exports: text that a spreadsheet would read as a formula is neutralised.

A cell beginning with =, +, -, @, a tab or a carriage return is run as a formula by Excel, WPS and LibreOffice
(CSV/formula injection, OWASP). Such text gets a leading single quote, which spreadsheets show as plain text.
Numbers, dates and None pass unchanged. Django-free, so the deliberation math package may use it too.
"""

from __future__ import annotations

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """The value to write into a CSV or Excel cell: strings that would start a formula get a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def restore_cell(value: str) -> str:
    """The text `safe_cell` was given, read back from an export this platform wrote (for re-import)."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_TRIGGERS):
        return value[1:]
    return value
