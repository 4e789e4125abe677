"""Issue #11 item 9 on the rooms: a resident's topic posted twice is raised once and both posts land on it."""

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
