"""Issue #11 point 5: the reply letter's title reads as the official form (no doubled 政协 or 号), and downloads are
named after the proposal's number and title (RFC 6266 filename* in UTF-8, with an ASCII fallback)."""

import re
from urllib.parse import unquote

import pytest
from django.urls import reverse

from tests.proposals.test_views_support import login, make_proposal
from xieshang.core.http import ascii_fallback, attachment_response, content_disposition
from xieshang.proposals import documents

pytestmark = pytest.mark.django_db


def _filename_star(header: str) -> str:
    return unquote(re.search(r"filename\*=UTF-8''([^;]+)", header).group(1))


def _ascii_name(header: str) -> str:
    return re.search(r'filename="([^"]*)"', header).group(1)


def test_reply_letter_title_is_the_official_form(world):
    p = make_proposal(world, to="replied")
    p.organization.name, p.organization.short_name = "中国人民政治协商会议郑州市委员会", "郑州市政协"
    p.number = "〔2026〕第0055号"
    subject = documents.letter_subject(p)
    assert subject == "关于政协郑州市委员会〔2026〕第0055号提案的答复"
    assert "号号" not in subject and subject.count("政协") == 1
    context = documents.reply_context(p.replies.get())
    assert context["subject"] == subject


def test_micro_proposal_letter_title_says_the_kind_once(world):
    p = make_proposal(world, to="replied")
    p.number, p.kind = "微〔2026〕0007", "micro"
    assert documents.letter_subject(p).endswith("〔2026〕0007号微提案的答复")


def test_reply_letter_documents_carry_the_title(world):
    import io

    from docx import Document

    p = make_proposal(world, to="replied")
    reply = p.replies.get()
    text = "\n".join(par.text for par in Document(io.BytesIO(documents.reply_docx(reply))).paragraphs)
    assert documents.letter_subject(p) in text and "号号" not in text


def test_downloads_are_named_by_number_and_title(client, world):
    p = make_proposal(world, to="supervisor_review")
    reply = p.replies.get()
    login(client, world.officers[0])
    for url, kind in (
        (reverse("proposals:document", args=[p.pk, "docx"]), "docx"),
        (reverse("proposals:letter", args=[p.pk, reply.pk, "pdf"]), "pdf"),
    ):
        header = client.get(url)["Content-Disposition"]
        name = _filename_star(header)
        assert name.endswith(f".{kind}") and p.number in name and p.title[:10] in name, name
        assert _ascii_name(header) not in ("proposal.pdf", "proposal.docx")
        assert _ascii_name(header).isascii() and _ascii_name(header).endswith(f".{kind}")
    assert "答复函" in name and reply.assignment.unit.name in name


def test_content_disposition_helper():
    header = content_disposition('〔2026〕第0055号-关于"路灯"/维修-答复函.pdf')
    assert header.startswith("attachment; ")
    assert _filename_star(header) == "〔2026〕第0055号-关于路灯维修-答复函.pdf"
    assert _ascii_name(header) == "2026-0055.pdf"
    assert ascii_fallback("答复函.docx") == "download.docx"
    response = attachment_response(b"x", filename="报告.pdf", content_type="application/pdf")
    assert response["Content-Type"] == "application/pdf" and "filename*=UTF-8''" in response["Content-Disposition"]
