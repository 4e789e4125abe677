"""Issue #11: the lead unit (主办) comes before the co-handlers (协办) wherever a proposal's units are listed (detail
page, list rows, API, Word and PDF); the key-proposal box is ticked only on a key proposal."""

import io
import re

import pytest
from django.urls import reverse

from tests.proposals.test_views_support import login, make_proposal
from xieshang.proposals import documents

pytestmark = pytest.mark.django_db

LEAD, CO = "市住房局", "市城管局"  # world.units[0] leads, world.units[1] co-handles (test_views_support.advance)


def _lead_before_co(text: str) -> None:
    assert LEAD in text and CO in text, text
    assert text.index(LEAD) < text.index(CO), text


def test_detail_page_and_list_rows_name_the_lead_unit_first(client, world):
    p = make_proposal(world, to="assigned")
    login(client, world.staff)
    html = client.get(reverse("proposals:detail", args=[p.pk])).content.decode()
    units = re.search(r'data-testid="units">(.*?)</dd>', html, re.S).group(1)
    _lead_before_co(units)
    assert units.index("主办") < units.index("协办")
    login(client, world.lead)
    rows = client.get(reverse("proposals:mine")).content.decode()
    _lead_before_co(rows[rows.index(p.title) :])


def test_api_lists_the_lead_unit_first(client, world):
    p = make_proposal(world, to="assigned")
    login(client, world.staff)
    data = client.get(f"/api/proposals/{p.pk}").json()
    assert [a["role"] for a in data["assignments"]] == ["lead", "co"]


def test_word_and_pdf_name_the_lead_unit_first(world):
    from docx import Document

    p = make_proposal(world, to="assigned")
    doc = Document(io.BytesIO(documents.proposal_docx(p)))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    units = cells[cells.index("办理单位") + 1]
    assert units == f"主办：{LEAD}；协办：{CO}"
    assert dict(documents.proposal_context(p, for_pdf=True)["rows"])["办理单位"] == units


def test_key_box_is_ticked_only_on_a_key_proposal(client, world):
    p = make_proposal(world, to="filed")
    login(client, world.staff)
    url = reverse("proposals:detail", args=[p.pk])
    box = re.search(r'<input[^>]*name="is_key"[^>]*>', client.get(url).content.decode()).group(0)
    assert "checked" not in box
    client.post(
        reverse("proposals:mark_key", args=[p.pk]),
        {"is_key": "on", "leader": str(world.leader.pk), "supervising_body": "市政府督查室"},
    )
    box = re.search(r'<input[^>]*name="is_key"[^>]*>', client.get(url).content.decode()).group(0)
    assert "checked" in box
