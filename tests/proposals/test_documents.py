"""The printable proposal and reply letter: Word with the East-Asian font set, PDF with a CJK font embedded, and
download rights (the letter shows the real contact person, so only those entitled get it)."""

import io
import re
import shutil
import subprocess
import zlib

import pytest
from django.urls import reverse

from tests.proposals.test_views_support import login, make_proposal
from xieshang.core import documents as core_documents
from xieshang.proposals import documents

pytestmark = pytest.mark.django_db


def _docx_text_and_fonts(content: bytes):
    from docx import Document
    from docx.oxml.ns import qn

    doc = Document(io.BytesIO(content))
    text = "\n".join(p.text for p in doc.paragraphs)
    text += "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    fonts = {r.element.rPr.rFonts.get(qn("w:eastAsia")) for p in doc.paragraphs for r in p.runs}
    return text, fonts


def _pdf_objects(content: bytes) -> bytes:
    """The PDF with its compressed streams inflated: WeasyPrint packs font dictionaries into object streams."""
    parts = [content]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", content, re.DOTALL):
        try:
            parts.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return b"\n".join(parts)


def _assert_cjk_pdf(content: bytes, tmp_path):
    assert content.startswith(b"%PDF")
    objects = _pdf_objects(content)
    # An embedded font program (/FontFile, /FontFile2 or /FontFile3) and the CJK font named in its descriptor.
    assert b"/FontFile" in objects
    assert re.search(rb"/FontName\s*/[A-Z]{6}\+NotoSerifCJK", objects.replace(b"-", b""))
    # Every font descriptor carries its own font program: the CJK ones are embedded, none is left to the reader.
    descriptors = re.findall(rb"<<(?:(?!<<|>>).)*?/FontName\s*/(\S+?)[\s/>](?:(?!<<|>>).)*?>>", objects, re.DOTALL)
    blocks = re.findall(rb"<<(?:(?!<<|>>).)*?/FontName\s*/\S+?[\s/>](?:(?!<<|>>).)*?>>", objects, re.DOTALL)
    assert descriptors and all(re.search(rb"/FontFile\d?\s", b) for b in blocks), descriptors
    assert any(b"CJK" in name for name in descriptors)
    if shutil.which("pdffonts"):
        path = tmp_path / "doc.pdf"
        path.write_bytes(content)
        listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
        assert "NotoSerifCJK" in listing.replace("-", "") and " yes " in listing  # embedded


def test_proposal_word_and_pdf(world, tmp_path):
    w = world
    p = make_proposal(w, to="assigned")
    text, fonts = _docx_text_and_fonts(documents.proposal_docx(p))
    for needle in ("案号", p.number, "案由", p.title, "提案人", "联名人", "联名委员甲", "办理单位", "市住房局"):
        assert needle in text
    assert fonts <= {core_documents.SERIF, core_documents.SANS} and core_documents.SERIF in fonts
    _assert_cjk_pdf(documents.proposal_pdf(p), tmp_path)


def test_reply_letter_word_and_pdf(world, tmp_path):
    w = world
    p = make_proposal(w, to="replied")
    reply = p.replies.get()
    text, fonts = _docx_text_and_fonts(documents.reply_docx(reply))
    for needle in ("市住房局", reply.reference_number, "B类", "王科长", "13912345678", "领衔委员"):
        assert needle in text
    assert core_documents.SERIF in fonts
    _assert_cjk_pdf(documents.reply_pdf(reply), tmp_path)


def test_downloads_for_those_allowed(client, world):
    w = world
    p = make_proposal(w, to="supervisor_review")
    reply = p.replies.get()
    letter = reverse("proposals:letter", args=[p.pk, reply.pk, "docx"])
    login(client, w.lead)
    assert client.get(reverse("proposals:document", args=[p.pk, "docx"])).status_code == 200
    assert client.get(letter).status_code == 403  # not sent to the member yet
    login(client, w.officers[0])
    response = client.get(letter)
    assert response.status_code == 200 and response["Content-Type"] == core_documents.DOCX_TYPE
    login(client, w.outsider)
    assert client.get(reverse("proposals:document", args=[p.pk, "pdf"])).status_code == 403


def _header_lines(document, css_class: str) -> list[str]:
    """The lines WeasyPrint set for the block of `css_class` on the first page."""

    def text(box) -> str:
        return getattr(box, "text", "") + "".join(text(c) for c in getattr(box, "children", []))

    def blocks(box):
        element = getattr(box, "element", None)
        if element is not None and css_class in (element.get("class") or "").split():
            yield box
        for child in getattr(box, "children", []):
            yield from blocks(child)

    block = next(blocks(document.pages[0]._page_box))
    return [text(line) for line in block.children]


def test_red_headers_never_break_inside_a_name(world):
    """Issue #11: "…管理 / 局". A long conference or unit name is set whole on its line, smaller if need be."""
    w = world
    w.org.name = "中国人民政治协商会议郑州市委员会"
    w.org.save()
    unit = w.units[0]
    unit.name = "郑州市城市管理和综合行政执法局"
    unit.save()
    p = make_proposal(w, to="replied")
    context = documents.proposal_context(p, for_pdf=True)
    lines = _header_lines(documents.render_pdf("proposals/print_proposal.html", context), "heading")
    assert lines == ["中国人民政治协商会议郑州市委员会提案"], lines
    reply = p.replies.get()
    context = documents.reply_context(reply, for_pdf=True)
    lines = _header_lines(documents.render_pdf("proposals/print_reply.html", context), "letterhead")
    assert lines == ["郑州市城市管理和综合行政执法局"], lines
    # Parts too long for one line together go on lines of their own, each whole.
    context["header"] = {"parts": ["中国人民政治协商会议郑州市金水区委员会", "提案"], "size": 22}
    lines = _header_lines(documents.render_pdf("proposals/print_reply.html", context), "letterhead")
    assert lines == ["中国人民政治协商会议郑州市金水区委员会", "提案"], lines
