"""Django's admin speaks the page's language: Django 6.1's admin strings its zh_Hans catalogue lacks come from the
project's hand-kept zh_Hans catalogue, and the admin carries the platform's name instead of "Django"."""

import re

import pytest

from xieshang.accounts.models import User
from xieshang.workflow.models import CalendarDay


def _page(client, url, language):
    client.force_login(User.objects.create_superuser(username="su", password="a-long-password-1", language=language))
    client.cookies["xieshang_language"] = language
    html = client.get(url).content.decode()
    return re.sub(r"<script.*?</script>", " ", html, flags=re.S)


@pytest.mark.django_db
def test_admin_changelist_in_chinese_has_no_english_chrome(client):
    CalendarDay.objects.get_or_create(date="2026-01-01", defaults={"is_workday": False, "name": "元旦"})
    html = _page(client, "/admin/workflow/calendarday/", "zh-hans")
    assert "按日期筛选" in html
    assert "Filter by" not in html
    assert 'alt="Search"' not in html and 'alt="搜索"' in html
    assert "Django" not in re.sub(r"<[^>]+>", " ", html)
    assert "政协履职与协商平台" in html


@pytest.mark.django_db
def test_admin_changelist_in_english(client):
    CalendarDay.objects.get_or_create(date="2026-01-01", defaults={"is_workday": False, "name": "元旦"})
    html = _page(client, "/admin/workflow/calendarday/", "en")
    assert "Filter by" in html and 'alt="Search"' in html
