"""Masking of personal contact data in anything published (shared/domain.md, privacy): phone numbers, e-mail
addresses and identity-card numbers inside free text, and the contact fields shown beside it.

Pure functions, no Django: a domain's public page passes every free text it shows (a proposal's body, a reply's text)
through mask_personal_data, and contact fields through mask_phone / mask_name."""

from __future__ import annotations

import re

# 18-digit resident identity number (the last character may be X) and the old 15-digit one. Checked before phones so
# a phone pattern never eats the middle of an ID number.
_ID_CARD = re.compile(
    r"(?<![0-9A-Za-z])([1-9]\d{5})(\d{8})(\d{3}[\dXx])(?![0-9A-Za-z])|(?<!\d)([1-9]\d{5})(\d{6})(\d{3})(?!\d)"
)
# Mobile: optional +86 / 86 prefix, 11 digits possibly grouped with spaces or hyphens (138 1234 5678, 138-1234-5678).
_MOBILE = re.compile(r"(?<!\d)((?:\+?86[-\s]?)?1[3-9]\d)([-\s]?)(\d{4})([-\s]?)(\d{4})(?!\d)")
# Landline with area code: 0371-67181234, (0371)6718-1234, 0371 67181234, 010-12345678.
_LANDLINE = re.compile(r"(?<!\d)(\(?0\d{2,3}\)?[-\s]?)(\d{3,4})([-\s]?)(\d{4})(?!\d)")
_EMAIL = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*(@[A-Za-z0-9.-]+\.[A-Za-z]{2,})")


def _id_card(m: re.Match[str]) -> str:
    if m.group(1):
        return m.group(1)[:1] + "*" * 16 + m.group(3)[-1:]
    return m.group(4)[:1] + "*" * 13 + m.group(6)[-1:]


def mask_personal_data(text: str) -> str:
    """The text with every identity number, e-mail address, mobile and landline number masked:
    410105199001011234 → 4****************4, zhang.san@example.com → z***@example.com, 13812345678 → 138****5678,
    0371-67181234 → 0371-****1234."""
    text = _ID_CARD.sub(_id_card, str(text or ""))
    text = _EMAIL.sub(lambda m: m.group(1) + "***" + m.group(2), text)
    text = _MOBILE.sub(lambda m: m.group(1) + m.group(2) + "****" + m.group(4) + m.group(5), text)
    return _LANDLINE.sub(lambda m: m.group(1) + "*" * len(m.group(2)) + m.group(3) + m.group(4), text)


def mask_phone(value: str) -> str:
    """A contact phone field: 138****5678; short values are masked whole."""
    value = str(value or "").strip()
    masked = mask_personal_data(value)
    if masked != value:
        return masked
    # Anything else (a number without area code, an extension): only the last four characters stay readable.
    return "*" * max(len(value) - 4, len(value) // 2) + value[max(len(value) - 4, len(value) // 2) :]


def mask_name(value: str) -> str:
    """A contact person's name: the surname (or first character) and two stars, 王科长 → 王**."""
    value = str(value or "").strip()
    return value[:1] + "**" if value else ""
