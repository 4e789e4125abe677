"""Loading history (the demo) inside notifications.services.suppressed() notifies nobody, also of transitions whose
notifications are sent after the commit, when the block is over."""

import pytest

from xieshang.notifications.models import Notification
from xieshang.notifications.services import suppressed

from .conftest import advance

pytestmark = pytest.mark.django_db


def test_transitions_while_suppressed_notify_nobody_after_the_commit(
    consultation, staff, leader, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), suppressed():
        proposed = advance({"propose": staff}, consultation, "propose")
    assert not Notification.objects.filter(recipient=leader).exists()
    with django_capture_on_commit_callbacks(execute=True):
        advance({"approve": staff}, proposed, "approve")
    assert Notification.objects.filter(recipient=leader).exists()
