"""Loading history (the demo) inside notifications.services.suppressed() notifies nobody, also of transitions whose
notifications are sent after the commit, when the block is over; consultations.services.quiet is its alias until the
demo moves."""

import pytest

from xieshang.consultations import services
from xieshang.notifications.models import Notification
from xieshang.notifications.services import suppressed

from .conftest import advance

pytestmark = pytest.mark.django_db


def test_transitions_while_suppressed_notify_nobody_after_the_commit(
    consultation, staff, leader, django_capture_on_commit_callbacks
):
    assert services.quiet is suppressed
    with django_capture_on_commit_callbacks(execute=True), services.quiet():
        proposed = advance({"propose": staff}, consultation, "propose")
    assert not Notification.objects.filter(recipient=leader).exists()
    with django_capture_on_commit_callbacks(execute=True):
        advance({"approve": staff}, proposed, "approve")
    assert Notification.objects.filter(recipient=leader).exists()
