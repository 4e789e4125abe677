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
    assert fonts <= {documents.SERIF, documents.SANS} and documents.SERIF in fonts
    _assert_cjk_pdf(documents.proposal_pdf(p), tmp_path)


def test_reply_letter_word_and_pdf(world, tmp_path):
    w = world
    p = make_proposal(w, to="replied")
    reply = p.replies.get()
    text, fonts = _docx_text_and_fonts(documents.reply_docx(reply))
    for needle in ("市住房局", reply.reference_number, "B类", "王科长", "13912345678", "领衔委员"):
        assert needle in text
    assert documents.SERIF in fonts
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
    assert response.status_code == 200 and response["Content-Type"] == documents.DOCX_TYPE
    login(client, w.outsider)
    assert client.get(reverse("proposals:document", args=[p.pk, "pdf"])).status_code == 403
