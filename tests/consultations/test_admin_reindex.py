"""Raw edits in the admin re-index what they change (docs/decisions/0008-side-effects.md: no save/delete signals)."""

import pytest
from django.contrib.admin.sites import site

from xieshang.consultations.models import Consultation, Topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def named(monkeypatch):
    from xieshang.search import services as search_services

    seen = []
    monkeypatch.setattr(search_services, "index_keys_later", lambda keys, using=None: seen.extend(keys))
    return seen


def test_admin_save_and_delete_of_a_consultation_reindex_it(consultation, rf, named):
    admin = site._registry[Consultation]
    request = rf.post("/")
    admin.save_model(request, consultation, None, True)
    assert ("consultation", consultation.pk) in named
    named.clear()
    admin.reindex(consultation.pk)
    assert {("consultation", consultation.pk), ("consultation_minutes", consultation.pk)} <= set(named)


def test_admin_edit_of_a_topic_reindexes_it_and_its_outcomes(room, resident, rf, named):
    from xieshang.consultations import services

    topic = services.topic_raise(actor=resident, room=room, title="楼道照明")
    named.clear()
    site._registry[Topic].save_model(rf.post("/"), topic, None, True)
    assert named == [("room_topic", topic.pk)]
