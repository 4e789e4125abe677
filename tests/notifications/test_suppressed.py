"""notifications.suppressed(): no notification inside the block, also those scheduled to go after commit."""

import pytest
from django.db import transaction

from xieshang.notifications.models import Notification
from xieshang.notifications.services import after_commit, notify, suppressed

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


def test_notify_inside_the_block_sends_nothing():
    user = UserFactory()
    with suppressed():
        assert notify(recipients=[user], kind="t", title="x") == []
    assert not Notification.objects.filter(recipient=user).exists()
    notify(recipients=[user], kind="t", title="y")
    assert Notification.objects.filter(recipient=user).count() == 1


def test_after_commit_keeps_the_block_it_was_scheduled_in(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        with suppressed():
            after_commit(lambda: notify(recipients=[user], kind="t", title="quiet"))
        after_commit(lambda: notify(recipients=[user], kind="t", title="loud"))
    assert list(Notification.objects.filter(recipient=user).values_list("title", flat=True)) == ["loud"]
