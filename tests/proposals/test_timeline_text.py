"""Issue #11 item 10 on the proposal page: the timeline names the category and the reply grade in the reader's
language, and no payload line shows a raw id or boolean."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from tests.proposals.test_views_support import login
from xieshang.proposals.selectors import categories_for

from .factories import advance, make_proposal

pytestmark = pytest.mark.django_db

PAYLOAD = re.compile(r'<dl class="wf-payload">(.*?)</dl>', re.S)


def payload_lines(html: str) -> str:
    return " ".join(PAYLOAD.findall(html))


@pytest.mark.parametrize(
    ("language", "category_label", "category_name", "grade"),
    [
        ("zh-hans", "类别", "经济建设", "B类（所提问题正在解决或列入计划解决）"),
        ("en", "Category", "Economic development", "B (being solved or planned)"),
    ],
)
def test_the_proposal_timeline_reads_as_text(client, world, language, category_label, category_name, grade):
    p = advance(world, make_proposal(world), "replied")
    category = categories_for(world.org).first()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    login(client, world.staff)
    lines = payload_lines(client.get(reverse("proposals:detail", args=[p.pk])).content.decode())
    assert category.name == "经济建设"  # the default category, shown in the page's language
    assert f"<dt>{category_label}</dt><dd>{category_name}</dd>" in lines, lines
    assert grade in lines, lines
    assert not re.search(r"<dd>\s*(\d+|True|False|None|\{.*?\}|\[.*?\])\s*</dd>", lines), lines
