"""Checks of uploaded attachments shared by the domains (proposals, opinion reports, consultations): the name's
extension must be allowed, the content must really be of that type (read from the file's first bytes and, for
Office and OFD files, their zip directory), and the size within the limit. Refusals are ValidationErrors with a
Chinese message naming the file, so a form shows them beside its file field.

    validate_upload(file, allowed=DEFAULT_TYPES, max_mb=20)          # one file
    validate_uploads(files, allowed=..., max_mb=20, max_count=5)     # a form's list; every problem at once

An organization may allow an extension for which no content check exists here; such files are checked by name and
size only (the checks below list what is read)."""

from __future__ import annotations

import codecs
import contextlib
import os
import zipfile
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

DEFAULT_TYPES = ("pdf", "doc", "docx", "xls", "xlsx", "jpg", "jpeg", "png", "txt")
HEAD_BYTES = 8192

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the compound file of Word 97–2003 and Excel 97–2003


def _zip_names(file: Any) -> list[str]:
    try:
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return []
    finally:
        file.seek(0)


def _zip_with(prefix: str) -> Callable[[bytes, Any], bool]:
    def check(head: bytes, file: Any) -> bool:
        return head.startswith(b"PK\x03\x04") and any(n.startswith(prefix) for n in _zip_names(file))

    return check


def _text(head: bytes, file: Any) -> bool:
    if b"\x00" in head:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            # incremental: the head may end inside a multi-byte character
            codecs.getincrementaldecoder(encoding)().decode(head, final=len(head) < HEAD_BYTES)
            return True
        except UnicodeDecodeError:
            continue
    return False


CONTENT_CHECKS: dict[str, Callable[[bytes, Any], bool]] = {
    "pdf": lambda head, f: head.startswith(b"%PDF-"),
    "doc": lambda head, f: head.startswith(_OLE2),
    "xls": lambda head, f: head.startswith(_OLE2),
    "ppt": lambda head, f: head.startswith(_OLE2),
    "docx": _zip_with("word/"),
    "xlsx": _zip_with("xl/"),
    "pptx": _zip_with("ppt/"),
    "ofd": lambda head, f: head.startswith(b"PK\x03\x04") and "OFD.xml" in _zip_names(f),
    "jpg": lambda head, f: head.startswith(b"\xff\xd8\xff"),
    "jpeg": lambda head, f: head.startswith(b"\xff\xd8\xff"),
    "png": lambda head, f: head.startswith(b"\x89PNG\r\n\x1a\n"),
    "txt": _text,
}


def extension(name: str) -> str:
    return os.path.splitext(os.path.basename(name or ""))[1].lower().lstrip(".")


def _rewind(file: Any) -> None:
    with contextlib.suppress(AttributeError, OSError):
        file.seek(0)


def _head(file: Any) -> bytes:
    _rewind(file)
    head = file.read(HEAD_BYTES) or b""
    _rewind(file)
    return head if isinstance(head, bytes) else head.encode()


def upload_problem(file: Any, *, allowed: Iterable[str] = DEFAULT_TYPES, max_mb: int = 20) -> str | None:
    """Why this file is refused (a translated sentence), or None when it may be stored."""
    allowed = [a.lower().lstrip(".") for a in allowed]
    name = os.path.basename(getattr(file, "name", "") or "") or _("未命名文件")
    ext = extension(name)
    if ext not in allowed:
        return _("“%(name)s”的文件类型不受支持，只能上传：%(types)s。") % {"name": name, "types": "、".join(allowed)}
    size = getattr(file, "size", None) or 0
    if size > max_mb * 1024 * 1024:
        return _("“%(name)s”超过 %(mb)s MB，请压缩或拆分后再上传。") % {"name": name, "mb": max_mb}
    head = _head(file)
    if not head:
        return _("“%(name)s”是空文件。") % {"name": name}
    check = CONTENT_CHECKS.get(ext)
    if check is not None and not check(head, file):
        return _("“%(name)s”的内容不是 %(ext)s 文件（扩展名与实际内容不符），请检查后重新上传。") % {
            "name": name,
            "ext": ext.upper(),
        }
    return None


def validate_upload(file: Any, *, allowed: Iterable[str] = DEFAULT_TYPES, max_mb: int = 20) -> None:
    problem = upload_problem(file, allowed=allowed, max_mb=max_mb)
    if problem:
        raise ValidationError(problem, code="upload")


def validate_uploads(
    files: Any, *, allowed: Iterable[str] = DEFAULT_TYPES, max_mb: int = 20, max_count: int | None = None
) -> None:
    """Every problem of a form's files at once (count, then each file)."""
    files = list(files or ())
    allowed = list(allowed)
    problems = []
    if max_count is not None and len(files) > max_count:
        problems.append(_("附件最多 %(n)d 个。") % {"n": max_count})
    for f in files:
        problem = upload_problem(f, allowed=allowed, max_mb=max_mb)
        if problem:
            problems.append(problem)
    if problems:
        raise ValidationError(problems, code="upload")
