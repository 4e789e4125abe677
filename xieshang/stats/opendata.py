"""The open-data file: for one organization and year, every registered dataset (core.opendata) as CSV (UTF-8 with a
byte-order mark, which Excel reads) and JSON, in one zip with a README of the fields. Stored under
MEDIA_ROOT/opendata/<organization>/<year>.zip by `rebuild`, which the task and `manage.py open_data` call."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import datetime

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from xieshang.core import opendata
from xieshang.core.exports import safe_cell


def path_for(organization_code: str, year: int) -> str:
    return f"opendata/{organization_code}/{year}.zip"


def _readme(organization: object, year: int, counts: dict[str, int], built: datetime) -> str:
    lines = [
        f"# {organization} · {year} · " + _("公开数据"),
        "",
        _("生成时间：%(t)s。每个数据集一个 CSV 文件（UTF-8）和一个 JSON 文件，内容相同。") % {"t": built.isoformat()},
        _("只含平台公开页面所公开的内容；联系人、电话等个人信息已遮蔽。"),
        "",
    ]
    for dataset in opendata.datasets():
        lines += [
            f"## {dataset.key}.csv / {dataset.key}.json — {dataset.title}",
            "",
            str(dataset.description),
            _("记录数：%(n)s") % {"n": counts[dataset.key]},
            "",
            "| " + _("字段") + " | " + _("含义") + " |",
            "|---|---|",
        ]
        lines += [f"| {name} | {meaning} |" for name, meaning in dataset.fields]
        lines.append("")
    return "\n".join(lines)


def build_zip(organization, year: int) -> bytes:
    buffer = io.BytesIO()
    counts: dict[str, int] = {}
    with translation.override("zh-hans"), zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for dataset in opendata.datasets():
            names = [name for name, _meaning in dataset.fields]
            rows = list(dataset.rows(organization.pk, year))
            counts[dataset.key] = len(rows)
            text = io.StringIO()
            text.write("\ufeff")
            writer = csv.writer(text)
            writer.writerow(names)
            writer.writerows([safe_cell(row[name]) for name in names] for row in rows)
            archive.writestr(f"{dataset.key}.csv", text.getvalue())
            archive.writestr(f"{dataset.key}.json", json.dumps(rows, ensure_ascii=False, default=str))
        archive.writestr("README.md", _readme(organization, year, counts, timezone.now()))
    return buffer.getvalue()


def rebuild(organization, year: int) -> str:
    """Write the year's file anew; returns its storage path."""
    path = path_for(organization.code, year)
    content = build_zip(organization, year)
    if default_storage.exists(path):
        default_storage.delete(path)
    return default_storage.save(path, ContentFile(content))
