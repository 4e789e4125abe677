"""The audit log shows each action by its label in the reader's language; the code stays in the data."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests.accounts.test_admin_duties import admin_client
from xieshang.accounts.models import Role
from xieshang.audit.actions import action_label
from xieshang.audit.models import AuditEntry
from xieshang.audit.services import audit_record

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _default_language_after():
    """A page request leaves its language active in the thread: the next test starts in the default again."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.mark.parametrize(
    ("language", "login", "transition"),
    [("zh-hans", "登录成功", "开始审查"), ("en", "Login succeeded", "Start review")],
)
def test_the_log_shows_labels_in_the_page_language(client, organization, language, login, transition):
    admin_client(client, Role.AUDIT_ADMIN, organization)
    audit_record(actor=None, action="login.succeeded", organization=organization)
    audit_record(actor=None, action="proposal.start_review", organization=organization)  # workflow.transition
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = client.get(reverse("audit:log")).content.decode()
    assert f"<td>{login}</td>" in html and f"<td>{transition}</td>" in html
    assert "login.succeeded" not in html and "start_review" not in html
    assert set(AuditEntry.objects.values_list("action", flat=True)) >= {"login.succeeded", "proposal.start_review"}


def test_a_code_nobody_names_shows_as_it_is():
    assert action_label("someapp.unknown") == "someapp.unknown"
