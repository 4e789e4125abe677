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
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
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
    if ext in ZIP_TYPES:
        return archive_problem(file, name)
    return None


# Office 2007+ and OFD files are zip archives: what they unpack to is checked before anything parses them.
ZIP_TYPES = frozenset({"docx", "xlsx", "pptx", "ofd"})
MAX_ARCHIVE_ENTRIES = 10_000


def archive_problem(file: Any, name: str) -> str | None:
    """Why a zip-based document is refused before parsing: it unpacks to more than XIESHANG_MAX_UNPACKED_BYTES, more
    than XIESHANG_MAX_UNPACK_RATIO times its own size (a "zip bomb": 300 KB that unpacks to 300 MB), or holds an
    absurd number of parts. Read from the zip's directory only; nothing is unpacked here."""
    from django.conf import settings

    try:
        _rewind(file)
        with zipfile.ZipFile(file) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return _("“%(name)s”已损坏，无法读取，请重新保存后上传。") % {"name": name}
    finally:
        _rewind(file)
    unpacked = sum(e.file_size for e in entries)
    packed = max(1, getattr(file, "size", 0) or sum(e.compress_size for e in entries))
    ratio = unpacked / packed
    worst_entry = max((e.file_size / max(1, e.compress_size) for e in entries), default=0)
    limit_mb = settings.XIESHANG_MAX_UNPACKED_BYTES // (1024 * 1024)
    max_ratio = settings.XIESHANG_MAX_UNPACK_RATIO
    if len(entries) > MAX_ARCHIVE_ENTRIES or unpacked > settings.XIESHANG_MAX_UNPACKED_BYTES:
        return _(
            "“%(name)s”解压后达 %(size)d MB，超过 %(limit)d MB 的上限，已拒绝。请删去文档中的大图片或拆分后再上传。"
        ) % {
            "name": name,
            "size": unpacked // (1024 * 1024),
            "limit": limit_mb,
        }
    if ratio > max_ratio or worst_entry > max_ratio * 10:
        return _(
            "“%(name)s”的压缩比异常（解压后是原文件的 %(ratio)d 倍，上限 %(max)d 倍），可能是恶意构造的文件，已拒绝。"
        ) % {"name": name, "ratio": int(max(ratio, worst_entry)), "max": max_ratio}
    return None


def run_limited(fn: Callable[..., Any], *args: Any, seconds: int | None = None, memory_mb: int | None = None) -> Any:
    """fn(*args) in a forked child process with an address-space limit (memory_mb above what the process already
    maps) and a time limit; the result, or None when the child ran out of memory or time or failed. For parsing
    uploaded documents in the worker (search indexing): a crafted file cannot take the worker's memory or time.
    fn must not use the database (the child shares the parent's connections and never touches them)."""
    import multiprocessing
    import resource

    from django.conf import settings

    seconds = seconds or settings.XIESHANG_PARSE_SECONDS
    memory_mb = memory_mb or settings.XIESHANG_PARSE_MEMORY_MB
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)

    def child() -> None:
        with open("/proc/self/status") as status:
            mapped_kb = next(int(line.split()[1]) for line in status if line.startswith("VmSize:"))
        limit = mapped_kb * 1024 + memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        try:
            sender.send(("ok", fn(*args)))
        except BaseException as exc:  # MemoryError included: the parent reports it
            sender.send(("error", repr(exc)[:200]))

    process = context.Process(target=child, daemon=True)
    process.start()
    sender.close()
    try:
        if receiver.poll(seconds):
            status, value = receiver.recv()
            return value if status == "ok" else None
        return None
    except EOFError:
        return None
    finally:
        if process.is_alive():
            process.kill()
        process.join(5)
        receiver.close()


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


class LimitedUploadHandler(FileUploadHandler):
    """Counts the bytes of every file of a request as they stream in and stops reading past
    settings.XIESHANG_MAX_UPLOAD_BYTES, for bodies whose length was not announced (chunked) or announced falsely; the
    request is then answered 413 by core.middleware.RequestSizeLimitMiddleware. Passes the data on to the next
    handler (memory or temporary file) untouched."""

    def __init__(self, request: Any = None) -> None:
        super().__init__(request)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        from django.conf import settings

        self.received += len(raw_data)
        if self.received > settings.XIESHANG_MAX_UPLOAD_BYTES:
            if self.request is not None:
                self.request._xieshang_upload_too_large = True  # type: ignore[attr-defined]
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
