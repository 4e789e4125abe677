"""Signed reply letters (#15): the replying unit uploads its own letter with its seal; a proposer uploads the scanned
copy he received once the reply reached him; only those who may read the letter download them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.proposals.test_views_support import login, make_proposal
from xieshang.proposals import services
from xieshang.proposals.models import Reply, SignedLetter

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _upload(client, p, reply, name="答复函.pdf", content=PDF):
    url = reverse("proposals:signed_letter_add", args=[p.pk, reply.pk])
    return client.post(url, {"file": SimpleUploadedFile(name, content, content_type="application/pdf")})


def test_unit_then_member_upload_signed_letters_and_only_readers_download(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    w = world
    p = make_proposal(w, to="supervisor_review")
    reply = Reply.objects.get(proposal=p)
    # the member cannot before the reply reached him
    login(client, w.lead)
    _upload(client, p, reply)
    assert not SignedLetter.objects.exists()
    # the unit: a Word file is refused with the reason, a PDF is kept
    login(client, w.officers[0])
    page = client.get(reverse("proposals:detail", args=[p.pk])).content.decode()
    assert 'data-testid="signed-letter-form"' in page
    response = _upload(client, p, reply, name="答复函.docx", content=b"PK\x03\x04")
    assert not SignedLetter.objects.exists()
    assert response.status_code in (302, 400, 422)
    assert _upload(client, p, reply).status_code == 302
    unit_letter = SignedLetter.objects.get()
    assert unit_letter.kind == SignedLetter.Kind.UNIT and unit_letter.uploaded_by == w.officers[0]

    services.reply_approve(actor=w.supervisor, proposal=p)
    login(client, w.lead)
    page = client.get(reverse("proposals:detail", args=[p.pk])).content.decode()
    assert reverse("proposals:signed_letter", args=[p.pk, unit_letter.pk]) in page
    assert _upload(client, p, reply, name="收到的答复函.pdf").status_code == 302
    member_letter = SignedLetter.objects.get(kind=SignedLetter.Kind.MEMBER)
    download = client.get(reverse("proposals:signed_letter", args=[p.pk, member_letter.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF

    login(client, w.outsider)
    assert client.get(reverse("proposals:signed_letter", args=[p.pk, unit_letter.pk])).status_code in (403, 404)
