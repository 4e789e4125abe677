#!/usr/bin/env python
"""Maintain the English translation catalogue (the UI's source language is Simplified Chinese).

    python scripts/translations.py update    # re-extract strings into xieshang/locale/en/LC_MESSAGES/django.po
    python scripts/translations.py check     # exit 1 and list every entry whose English is empty or fuzzy
    python scripts/translations.py compile   # compile the .po files into .mo files

xieshang/locale/zh_Hans/ holds a small hand-kept catalogue (Django admin strings Django's zh_Hans lacks): `check` and
`compile` include it, `update` leaves it alone.

`update` and `compile` run manage.py from the xieshang/ folder with the project's virtualenv (XIESHANG_DEV=1), so the
references in the .po file are relative to xieshang/. `check` needs nothing but Python; its small .po parser is also
used by tests/core/test_translations.py.
"""

from __future__ import annotations

import argparse
import ast
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DIR = ROOT / "xieshang"
LOCALE_DIR = PACKAGE_DIR / "locale"
LANGUAGES = ["en"]  # extracted by `update`: the project's own strings
# Kept by hand, never extracted: Chinese for the msgids Django's own zh_Hans catalogue lacks (Django 6.1's admin).
# `check` and `compile` handle them with the English catalogue.
HAND_KEPT = ["zh_Hans"]
DOMAIN = "django"
# Paths makemessages must not scan (relative to xieshang/, or bare directory names). The admin search form is a copy
# of Django's template: its strings are Django's and translated by Django's catalogues.
IGNORE = [
    ".venv",
    "node_modules",
    "templates/admin/search_form.html",
    "search/text",
    "search/text/*",
    "deliberation/math",
    "deliberation/math/*",
]


def po_path(language: str = "en") -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(language: str = "en") -> Path:
    return po_path(language).with_suffix(".mo")


# --- a minimal .po parser --------------------------------------------------------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # index -> text; a singular entry uses index 0
    flags: set[str] = field(default_factory=set)
    references: list[str] = field(default_factory=list)
    lineno: int = 0

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values())

    @property
    def key(self) -> str:
        return self.msgid if self.msgctxt is None else f"{self.msgctxt}\x04{self.msgid}"

    def catalogue_items(self):
        """The (key, text) pairs this entry contributes to a compiled catalogue (the shape gettext uses)."""
        if self.msgid_plural is None:
            yield self.key, self.msgstr.get(0, "")
        else:
            for index, text in sorted(self.msgstr.items()):
                yield (self.key, index), text


def _unquote(text: str, path: Path, lineno: int) -> str:
    text = text.strip()
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise ValueError(f"{path}:{lineno}: expected a quoted string, got {text!r}")
    # PO strings use C escapes, which a Python string literal reads the same way for the escapes gettext writes.
    return ast.literal_eval(text)


def parse_po(path: Path) -> list[Entry]:
    """Parse a .po file into entries (obsolete "#~" entries are skipped)."""
    entries: list[Entry] = []
    entry = Entry()
    current: tuple[str, int] | None = None  # which field continuation lines append to
    seen_keyword = False

    def finish():
        nonlocal entry, current, seen_keyword
        if seen_keyword:
            entries.append(entry)
        entry, current, seen_keyword = Entry(), None, False

    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#"):
            if seen_keyword:  # comments start a new entry
                finish()
            if line.startswith("#~"):
                continue
            if line.startswith("#,"):
                entry.flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
            elif line.startswith("#:"):
                entry.references.extend(line[2:].split())
            continue
        if line.startswith('"'):
            if current is None:
                raise ValueError(f"{path}:{lineno}: continuation line outside an entry")
            name, index = current
            text = _unquote(line, path, lineno)
            if name == "msgstr":
                entry.msgstr[index] += text
            else:
                setattr(entry, name, getattr(entry, name) + text)
            continue
        keyword, _, rest = line.partition(" ")
        if keyword in ("msgctxt", "msgid") and current is not None and current[0] == "msgstr":
            finish()  # a new entry without a blank line in between
        if not seen_keyword:
            entry.lineno = lineno
        seen_keyword = True
        text = _unquote(rest, path, lineno)
        if keyword in ("msgctxt", "msgid", "msgid_plural"):
            setattr(entry, keyword, text)
            current = (keyword, 0)
        elif keyword == "msgstr":
            entry.msgstr[0] = text
            current = ("msgstr", 0)
        elif keyword.startswith("msgstr[") and keyword.endswith("]"):
            index = int(keyword[7:-1])
            entry.msgstr[index] = text
            current = ("msgstr", index)
        else:
            raise ValueError(f"{path}:{lineno}: unknown keyword {keyword!r}")
    finish()
    return entries


def problems(path: Path) -> list[tuple[Entry, str]]:
    """Entries that are untranslated or fuzzy, with the reason."""
    found = []
    for entry in parse_po(path):
        if entry.is_header:
            continue
        if entry.fuzzy:
            found.append((entry, "fuzzy"))
        elif not entry.translated:
            found.append((entry, "untranslated"))
    return found


def expected_catalogue(path: Path) -> dict:
    """What msgfmt puts in the .mo for this .po: the translated, non-fuzzy entries (the header excluded)."""
    catalogue = {}
    for entry in parse_po(path):
        if entry.is_header or entry.fuzzy or not entry.translated:
            continue
        catalogue.update(entry.catalogue_items())
    return catalogue


def mo_catalogue(path: Path) -> dict:
    """The entries of a compiled .mo file (the header excluded)."""
    import gettext

    with path.open("rb") as handle:
        translations = gettext.GNUTranslations(handle)
    return {key: value for key, value in translations._catalog.items() if key != ""}


# --- commands --------------------------------------------------------------------------------------------------------


def manage(*args: str) -> int:
    python = ROOT / ".venv" / "bin" / "python"
    if not python.exists():
        python = Path(sys.executable)
    env = {**os.environ, "XIESHANG_DEV": "1", "DEBUG": "1"}  # the development key runs only with DEBUG
    command = [str(python), str(ROOT / "manage.py"), *args]
    print("+", " ".join(command), f"(in {PACKAGE_DIR.relative_to(ROOT)}/)", flush=True)
    return subprocess.call(command, cwd=PACKAGE_DIR, env=env)  # noqa: S603 (fixed argv, no shell)


def cmd_update(_args) -> int:
    args = ["makemessages", "--no-obsolete"]
    for language in LANGUAGES:
        args += ["-l", language]
    for pattern in IGNORE:
        args += ["--ignore", pattern]
    status = manage(*args)
    if status == 0:
        for language in LANGUAGES:
            count = len(problems(po_path(language)))
            print(f"{po_path(language).relative_to(ROOT)}: {count} entries to translate or review")
    return status


def cmd_check(_args) -> int:
    failed = False
    for language in LANGUAGES + HAND_KEPT:
        path = po_path(language)
        found = problems(path)
        for entry, reason in found:
            label = entry.msgid if entry.msgctxt is None else f"[{entry.msgctxt}] {entry.msgid}"
            print(f"{path.relative_to(ROOT)}:{entry.lineno}: {reason}: {label!r}")
        if found:
            failed = True
            print(f"{path.relative_to(ROOT)}: {len(found)} entries untranslated or fuzzy", file=sys.stderr)
        elif mo_path(language).exists() and mo_catalogue(mo_path(language)) != expected_catalogue(path):
            failed = True
            print(f"{mo_path(language).relative_to(ROOT)} is out of date: run `compile`", file=sys.stderr)
        else:
            print(f"{path.relative_to(ROOT)}: complete")
    return 1 if failed else 0


def cmd_compile(_args) -> int:
    args = ["compilemessages"]
    for language in LANGUAGES + HAND_KEPT:
        args += ["-l", language]
    return manage(*args)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("update", help="run makemessages -l en --no-obsolete").set_defaults(func=cmd_update)
    commands.add_parser("check", help="fail on untranslated or fuzzy entries").set_defaults(func=cmd_check)
    commands.add_parser("compile", help="run compilemessages").set_defaults(func=cmd_compile)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
