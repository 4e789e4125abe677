"""Issue #11: each notification is written in its recipient's language (User.language), from one notify call."""

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tests.factories import make_user
from xieshang.core.names import named
from xieshang.notifications.models import Notification
from xieshang.notifications.services import notify

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _default_language_after():
    """A page request leaves its language active in the thread: the next test starts in the default again."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def test_one_call_writes_each_recipient_in_his_language(organization):
    english = make_user(None, organization, username="en1", language="en")
    chinese = make_user(None, organization, username="zh1", language="zh-hans")
    default = make_user(None, organization, username="xx1", language="")
    notify(
        recipients=[english, chinese, default],
        kind="test",
        title=gettext_lazy("审计日志"),
        body=lambda: _("当前状态：%(state)s。") % {"state": named("待审查")},
    )
    mine = {n.recipient.username: (n.title, n.body) for n in Notification.objects.all()}
    assert mine["en1"] == ("Audit log", "Current status: Awaiting review.")
    assert mine["zh1"] == ("审计日志", "当前状态：待审查。")
    assert mine["xx1"] == ("审计日志", "当前状态：待审查。")


def test_the_language_chosen_before_signing_in_becomes_the_users(client, organization):
    from django.urls import reverse

    from tests.factories import PASSWORD

    member = make_user(None, organization, username="m1", language="")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.post(reverse("accounts:login"), {"username": "m1", "password": PASSWORD})
    member.refresh_from_db()
    assert member.language == "en"
