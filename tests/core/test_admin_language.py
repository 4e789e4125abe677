"""Django's admin speaks the page's language: Django 6.1's admin strings its zh_Hans catalogue lacks come from the
project's hand-kept zh_Hans catalogue, and the admin carries the platform's name instead of "Django"."""

import re
from html import unescape

import pytest
from django.conf import settings
from django.utils import translation

from xieshang.accounts.models import User
from xieshang.workflow.models import CalendarDay


@pytest.fixture(autouse=True)
def _default_language_after():
    """A page request leaves its language active in the thread: the next test starts in the default again."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


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


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "yes", "holiday"), [("zh-hans", "是", "元旦"), ("en", "Yes", "New Year's Day")])
def test_admin_yes_no_icons_and_holiday_names_in_the_page_language(client, language, yes, holiday):
    CalendarDay.objects.update_or_create(date="2026-01-04", defaults={"is_workday": True, "name": "元旦调休上班"})
    CalendarDay.objects.update_or_create(date="2026-01-01", defaults={"is_workday": False, "name": "元旦"})
    html = _page(client, "/admin/workflow/calendarday/", language)
    assert f'alt="{yes}"' in html and 'alt="True"' not in html and 'alt="False"' not in html
    shown = unescape(re.sub(r"<[^>]+>", " ", html))
    assert holiday in shown
    if language == "en":
        assert "Working day swapped for New Year's Day" in shown
        assert "元旦" not in shown
