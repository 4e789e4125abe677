"""The main menu is rendered once per process for each distinct menu (core/templatetags/menu.py): the memo's key holds
everything the markup depends on, so the current page, the unread badge and the language are always the reader's."""

from __future__ import annotations

import re

import pytest
from django.conf import settings

from tests.factories import make_user
from xieshang.accounts.models import Role
from xieshang.core.templatetags import menu
from xieshang.notifications import services as notifications

pytestmark = pytest.mark.django_db


def _nav(client, url):
    html = client.get(url).content.decode()
    return html[html.index('class="main-nav"') : html.index("</nav>")]


def test_the_kept_menu_marks_the_current_page_and_follows_the_badge_and_the_language(client, organization):
    member = make_user(Role.MEMBER, organization, username="menu_member")
    client.force_login(member)
    menu._rendered.clear()
    workbench = _nav(client, "/workbench/")
    assert re.search(r'href="/workbench/" aria-current="page"', workbench)
    inbox = _nav(client, "/notifications/")
    assert 'href="/workbench/" aria-current' not in inbox and 'href="/notifications/" aria-current="page"' in inbox
    assert _nav(client, "/workbench/") == workbench and len(menu._rendered) == 2  # kept, not rendered again
    assert 'class="badge"' not in workbench
    notifications.notify(recipients=[member], kind="test", title="新的通知")
    assert 'class="badge"' in _nav(client, "/workbench/")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = _nav(client, "/workbench/")
    assert "我的待办" in workbench and "我的待办" not in english and "My to-do list" in english
