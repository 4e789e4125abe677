"""Proposal attachments through the pages: the type is checked by content (xieshang.core.uploads), the message names
the file, what was typed stays and nothing is saved."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.proposals.test_views_support import login, make_proposal
from xieshang.proposals.models import Attachment, Proposal

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_program_renamed_pdf_is_refused_on_the_form_and_the_text_kept(client, world):
    login(client, world.lead)
    data = {
        "title": "关于公交线路优化的建议",
        "body": "建议优化线路" * 10,
        "submitter_kind": "member",
        "attachments": [SimpleUploadedFile("调研报告.pdf", b"MZ\x90\x00\x03\x00")],
        "save": "1",
    }
    response = client.post(reverse("proposals:create"), data)
    assert response.status_code == 422
    html = response.content.decode()
    assert "调研报告.pdf" in html and "扩展名与实际内容不符" in html and 'id="id_attachments_error"' in html
    assert 'value="关于公交线路优化的建议"' in html and "建议优化线路" * 10 in html
    assert not Proposal.objects.exists() and not Attachment.objects.exists()

    data["attachments"] = [SimpleUploadedFile("调研报告.pdf", b"%PDF-1.4 real")]
    assert client.post(reverse("proposals:create"), data).status_code == 302
    assert Attachment.objects.get().name == "调研报告.pdf"


def test_adding_a_file_on_the_proposal_page_checks_its_content(client, world):
    p = make_proposal(world)
    login(client, world.lead)
    url = reverse("proposals:attachment_add", args=[p.pk])
    response = client.post(url, {"file": SimpleUploadedFile("照片.jpg", b"<html>not a photo</html>")}, follow=True)
    assert "照片.jpg" in response.content.decode() and "扩展名与实际内容不符" in response.content.decode()
    assert not p.attachments.exists()
    client.post(url, {"file": SimpleUploadedFile("照片.jpg", b"\xff\xd8\xff\xe0 jpeg")})
    assert p.attachments.get().name == "照片.jpg"
