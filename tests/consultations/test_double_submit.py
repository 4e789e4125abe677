"""Issue #11 on consultations: a resident's topic posted twice is raised once and both posts land on it (item 9);
the consultation's timeline reads its payloads as labelled text (item 10)."""

import re

import pytest
from django.urls import reverse

from xieshang.consultations.models import Topic

pytestmark = pytest.mark.django_db


def test_a_topic_raised_twice_is_raised_once(client, room, resident):
    client.force_login(resident)
    html = client.get(reverse("consultations:room", args=[room.pk])).content.decode()
    token = re.search(r'data-testid="raise-form">.*?name="submission_token" value="([^"]+)"', html, re.S).group(1)
    data = {"title": "小区停车难", "body": "晚上车位不够。", "submission_token": token}
    first = client.post(reverse("consultations:topic_raise", args=[room.pk]), data)
    second = client.post(reverse("consultations:topic_raise", args=[room.pk]), data)
    assert first.status_code == second.status_code == 302 and first.url == second.url
    assert Topic.objects.filter(room=room).count() == 1


@pytest.mark.parametrize(
    ("language", "approved"),
    [("zh-hans", "批准日期</dt><dd>2026年1月20日"), ("en", "Approval date</dt><dd>Jan. 20, 2026")],
)
def test_the_consultation_timeline_reads_as_text(client, consultation, staff, language, approved):
    """Issue #11 item 10 on a consultation: the chairs' meeting and the approval read as labelled text."""
    from django.conf import settings

    from tests.accounts.test_isolation import _verified_login

    from .conftest import advance

    c = advance({"propose": staff, "approve": staff}, consultation, "propose", "approve")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    _verified_login(client, staff)
    html = client.get(c.get_absolute_url()).content.decode()
    timeline = html[html.index('class="wf-timeline"') :]
    assert "十五届市政协第12次主席会议" in timeline and "郑办文〔2026〕3号" in timeline
    assert approved in timeline, timeline
