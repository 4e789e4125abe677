"""Word documents in the official style (党政机关公文格式, GB/T 9704): the CJK fonts and the run helper that every
app's Word output uses."""

from __future__ import annotations

import io
from typing import Any

SERIF = "Noto Serif CJK SC"  # stands in for 仿宋_GB2312 / 方正小标宋 where those are not installed
SANS = "Noto Sans CJK SC"  # stands in for 黑体
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def run(
    paragraph: Any, text: str, size: float = 16, *, bold: bool = False, font: str = SERIF, color: Any = None
) -> Any:
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    added = paragraph.add_run(text)
    added.font.name = font
    # python-docx's font.name fills only the Latin slots; Word takes Chinese text's font from w:eastAsia.
    added._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)
    added.font.size = Pt(size)
    added.bold = bold
    if color:
        added.font.color.rgb = RGBColor(*color)
    return added


def paragraph(doc: Any, text: str, size: float = 16, *, indent: bool = True, font: str = SERIF) -> Any:
    from docx.shared import Pt

    para = doc.add_paragraph()
    if indent:
        para.paragraph_format.first_line_indent = Pt(size * 2)
    run(para, text, size, font=font)
    return para


def docx_bytes(doc: Any) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
