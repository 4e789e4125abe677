"""Issue #11 item 10 on a report's page: "urgent False" and raw labels are gone from the timeline; an urgent report
says so, and the adoption level reads in the reader's language."""

import re

import pytest
from django.conf import settings

from tests.accounts.test_isolation import _verified_login

pytestmark = pytest.mark.django_db

PAYLOAD = re.compile(r'<ol class="wf-timeline".*?</ol>', re.S)


def timeline(client, report) -> str:
    return PAYLOAD.search(client.get(report.get_absolute_url()).content.decode()).group(0)


@pytest.mark.parametrize(("language", "urgent_label", "yes"), [("zh-hans", "紧急件", "是"), ("en", "Urgent", "Yes")])
def test_the_report_timeline_reads_as_text(client, submit, staff, language, urgent_label, yes):
    calm, urgent = submit(urgent=False), submit(title="关于汛期排涝的紧急建议", urgent=True)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    _verified_login(client, staff)
    calm_html, urgent_html = timeline(client, calm), timeline(client, urgent)
    assert "False" not in calm_html and "urgent" not in calm_html and urgent_label not in calm_html
    assert f"<dt>{urgent_label}</dt><dd>{yes}</dd>" in urgent_html, urgent_html
    assert "True" not in urgent_html
