"""Polis export files in and out of Django: uploads (loose CSV files or a zip) and downloads."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .math import PolisExport, PolisExportError, read_polis_export

POLIS_FILES = ("comments.csv", "votes.csv", "participants-votes.csv", "summary.csv")
# Uploads also take the Polis API's JSON (comments.json, votes.json, conversation.json).
UPLOAD_FILES = (*POLIS_FILES, "comments.json", "votes.json", "conversation.json")
# vtaiwan's votes.csv is ~3 MB; a zip expanding past this is refused rather than unpacked.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024


def export_error_message(exc: PolisExportError) -> str:
    name = Path(exc.path).name
    if exc.line:
        return _("%(file)s 第 %(line)d 行：%(reason)s") % {"file": name, "line": exc.line, "reason": exc.reason}
    return _("%(file)s：%(reason)s") % {"file": name, "reason": exc.reason}


def read_export_dir(path) -> PolisExport:
    try:
        return read_polis_export(path)
    except PolisExportError as exc:
        raise ValidationError(export_error_message(exc), code="polis") from exc


def read_uploaded_export(files) -> PolisExport:
    """Parse uploaded Polis files (any of UPLOAD_FILES, or zips holding them; other files are ignored)."""
    with tempfile.TemporaryDirectory(prefix="polis-") as tmp:
        target = Path(tmp)
        found = []
        for upload in files:
            name = PurePosixPath(upload.name.replace("\\", "/")).name
            if name.lower().endswith(".zip"):
                found += _unzip(upload, target)
            elif name in UPLOAD_FILES:
                with open(target / name, "wb") as fh:
                    for chunk in upload.chunks():
                        fh.write(chunk)
                found.append(name)
        if "comments.csv" not in found and not {"comments.json", "votes.json"} <= set(found):
            raise ValidationError(
                _("缺少 comments.csv：Polis 导出至少需要 comments.csv 和 votes.csv（或 participants-votes.csv）。")
            )
        return read_export_dir(target)


def _unzip(upload, target: Path) -> list[str]:
    try:
        archive = zipfile.ZipFile(upload)
    except zipfile.BadZipFile as exc:
        raise ValidationError(_("%(file)s 不是有效的 zip 文件。") % {"file": upload.name}) from exc
    found = []
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir() and PurePosixPath(m.filename).name in UPLOAD_FILES]
        if sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
            raise ValidationError(_("%(file)s 解压后过大。") % {"file": upload.name})
        for member in members:
            name = PurePosixPath(member.filename).name
            # Only the file name is used, so a path in the archive cannot escape the temporary folder.
            with archive.open(member) as src, open(target / name, "wb") as dst:
                dst.write(src.read(MAX_UNPACKED_BYTES + 1))
            found.append(name)
    return found


def export_files(conversation) -> dict[str, bytes]:
    from .services import polis_export_write

    with tempfile.TemporaryDirectory(prefix="polis-") as tmp:
        polis_export_write(conversation, tmp)
        return {name: (Path(tmp) / name).read_bytes() for name in POLIS_FILES}


def export_zip(conversation) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in export_files(conversation).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def shared_polis_dir() -> Path:
    """The Polis open data shared with the team (XIESHANG_SHARED_DIR, else ../shared next to the repository)."""
    import os

    from django.conf import settings

    shared = os.environ.get("XIESHANG_SHARED_DIR")
    base = Path(shared) if shared else Path(settings.BASE_DIR).parent / "shared"
    return base / "data" / "polis"
