"""Issue #11: a workflow transition's notifications are written in each recipient's language."""

import pytest

from xieshang.notifications.models import Notification

from .factories import advance, make_proposal

pytestmark = pytest.mark.django_db


def test_a_proposal_transition_notifies_each_signer_in_his_language(world, django_capture_on_commit_callbacks):
    world.lead.language = "en"
    world.lead.save(update_fields=["language"])
    with django_capture_on_commit_callbacks(execute=True):
        p = advance(world, make_proposal(world), "filed", co=False)
    note = Notification.objects.filter(recipient=world.lead).latest("pk")
    assert p.title in note.title and "filed" in note.title.lower(), note.title
    staff = Notification.objects.filter(recipient=world.staff).latest("pk")  # a Chinese reader of the same workflow
    assert "委员提交了新提案" in staff.title
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in note.title.replace(p.title, "") + note.body), note
