"""The English catalogue is complete, compiled, and used (the UI's source language is Simplified Chinese)."""

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("xieshang_translations", ROOT / "scripts" / "translations.py")
tr = sys.modules.setdefault("xieshang_translations", importlib.util.module_from_spec(_spec))
_spec.loader.exec_module(tr)

PO = tr.po_path("en")
MO = tr.mo_path("en")
PLACEHOLDER = re.compile(r"%\([^)]+\)[sdif]|%[sdif]|\{[^{}]*\}")


def _describe(entries):
    return "\n".join(f"  line {e.lineno} ({reason}): {e.msgid!r}" for e, reason in entries)


def test_every_entry_is_translated_and_not_fuzzy():
    problems = tr.problems(PO)
    assert not problems, (
        f"{len(problems)} English entries are untranslated or fuzzy in {PO.relative_to(ROOT)} "
        f"(run `python scripts/translations.py check`):\n{_describe(problems)}"
    )


def _ident(entry):
    return (entry.msgctxt, entry.msgid, entry.msgid_plural)


def _label(ident):
    msgctxt, msgid, msgid_plural = ident
    return (f"[{msgctxt}] " if msgctxt else "") + repr(msgid) + (f" / {msgid_plural!r}" if msgid_plural else "")


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext's xgettext is not installed")
def test_catalogue_has_every_string_in_the_code(tmp_path, monkeypatch):
    # Extract afresh, as `python scripts/translations.py update` does, from a copy of the source (so that nothing is
    # written into the real catalogue); every msgid the code marks must be in the .po, and the .po must hold no other.
    source = tmp_path / "xieshang"
    shutil.copytree(
        tr.PACKAGE_DIR,
        source,
        ignore=shutil.ignore_patterns("locale", "__pycache__", "*.pyc", "node_modules", ".venv"),
        symlinks=True,
    )
    out = tmp_path / "locale"
    monkeypatch.chdir(source)
    with override_settings(LOCALE_PATHS=[out]):
        call_command("makemessages", locale=tr.LANGUAGES, ignore_patterns=tr.IGNORE, no_obsolete=True, verbosity=0)
    fresh = {_ident(e) for e in tr.parse_po(out / "en" / "LC_MESSAGES" / f"{tr.DOMAIN}.po") if not e.is_header}
    catalogue = {_ident(e) for e in tr.parse_po(PO) if not e.is_header}
    assert len(fresh) > 1000, f"makemessages found only {len(fresh)} strings in the copy of the source"
    missing = sorted(fresh - catalogue, key=str)
    stale = sorted(catalogue - fresh, key=str)
    assert not (missing or stale), (
        f"{PO.relative_to(ROOT)} is not up to date with the code (run `python scripts/translations.py update`, "
        f"translate, then `compile`): {len(missing)} msgids missing, {len(stale)} no longer used.\n"
        + "".join(f"  missing: {_label(i)}\n" for i in missing[:40])
        + "".join(f"  unused: {_label(i)}\n" for i in stale[:40])
    )


def test_translations_keep_placeholders():
    wrong = []
    for entry in tr.parse_po(PO):
        if entry.is_header or not entry.translated:
            continue
        sources = [entry.msgid] if entry.msgid_plural is None else [entry.msgid, entry.msgid_plural]
        expected = sorted(set(PLACEHOLDER.findall(sources[-1])) | set(PLACEHOLDER.findall(sources[0])))
        for text in entry.msgstr.values():
            if sorted(set(PLACEHOLDER.findall(text))) != expected:
                wrong.append((entry, f"placeholders {expected} in {text!r}"))
    assert not wrong, _describe(wrong)


def test_parser_reads_entries():
    entries = tr.parse_po(PO)
    header = [e for e in entries if e.is_header]
    assert len(header) == 1 and "Plural-Forms: nplurals=2" in header[0].msgstr[0]
    assert not header[0].fuzzy, "the header is flagged fuzzy"
    plurals = [e for e in entries if e.msgid_plural is not None]
    assert plurals and all(set(e.msgstr) == {0, 1} for e in plurals)
    assert any(e.msgid == "我的待办" for e in entries)


def test_compiled_catalogue_matches_po():
    assert MO.exists(), f"{MO.relative_to(ROOT)} is missing: run `python scripts/translations.py compile`"
    expected = tr.expected_catalogue(PO)
    compiled = tr.mo_catalogue(MO)
    missing = sorted(str(k) for k in expected.keys() - compiled.keys())
    stale = sorted(str(k) for k in expected.keys() & compiled.keys() if expected[k] != compiled[k])
    extra = sorted(str(k) for k in compiled.keys() - expected.keys())
    assert not (missing or stale or extra), (
        f"{MO.relative_to(ROOT)} is out of date with the .po (run `python scripts/translations.py compile`): "
        f"missing {missing[:10]}, changed {stale[:10]}, obsolete {extra[:10]}"
    )


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext's msgfmt is not installed")
def test_parser_agrees_with_msgfmt(tmp_path):
    # Compile the .po afresh with the same tool compilemessages uses: the parser must read it as msgfmt does.
    out = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check-format", "-o", str(out), str(PO)], check=True, capture_output=True)
    assert tr.mo_catalogue(out) == tr.expected_catalogue(PO)


def test_override_en_translates_the_interface():
    with translation.override("en"):
        assert translation.gettext("我的待办") == "My to-do list"
        assert translation.gettext("关怀模式") == "Care mode"
        assert translation.gettext("承办单位经办人") == "Handling-unit officer"
        assert translation.gettext("提交的内容过大，未能保存") == "The submission was too large and was not saved"
        assert translation.gettext("阶段标签") == "Phase tags"
    with translation.override("zh-hans"):
        assert translation.gettext("我的待办") == "我的待办"


def test_override_en_plural_forms():
    todo = "共有 %(n)s 项待办。"
    with translation.override("en"):
        assert translation.ngettext(todo, todo, 1) % {"n": 1} == "You have 1 to-do item."
        assert translation.ngettext(todo, todo, 3) % {"n": 3} == "You have 3 to-do items."


def test_empty_choice_of_a_select_speaks_the_page_language():
    """Issue #11: Django 6.1's "- Select an option -" showed on Chinese pages (Django's catalogue has no Chinese)."""
    from django import forms

    from xieshang.accounts.models import Sector

    field = forms.ModelChoiceField(queryset=Sector.objects.none(), required=False)
    with translation.override("zh-hans"):
        assert str(field.empty_label) == "- 请选择 -"
    with translation.override("en"):
        assert str(field.empty_label) == "- Select -"


def test_hand_kept_chinese_catalogue_is_complete_and_compiled():
    """The zh_Hans catalogue (Django admin strings Django's own zh_Hans lacks) is checked and compiled by the script
    and left alone by `update`."""
    assert tr.HAND_KEPT == ["zh_Hans"] and "zh_Hans" not in tr.LANGUAGES
    path = tr.po_path("zh_Hans")
    assert not tr.problems(path)
    assert tr.mo_catalogue(tr.mo_path("zh_Hans")) == tr.expected_catalogue(path)
