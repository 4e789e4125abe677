"""The index task runs once per object per transaction, however many hooks and signals name the object."""

from collections import Counter

import pytest
from django.db import transaction

from tests.proposals import conftest as proposals_conftest
from tests.proposals.factories import advance, make_proposal
from xieshang.notifications.models import Notification
from xieshang.proposals import services as proposal_services
from xieshang.search import indexing
from xieshang.search.models import SearchDocument
from xieshang.search.services import index_later

pytestmark = pytest.mark.django_db

world = proposals_conftest.world
_fresh_calendar = proposals_conftest._fresh_calendar


@pytest.fixture
def indexed(monkeypatch):
    """Counts index_now calls by (doc_type, object_id); the task imports index_now at call time."""
    calls: Counter = Counter()
    real = indexing.index_now

    def counting(doc_type, object_id):
        calls[(doc_type, object_id)] += 1
        return real(doc_type, object_id)

    monkeypatch.setattr(indexing, "index_now", counting)
    return calls


def test_one_task_per_object_per_transaction(doc_type, author, indexed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        note = Notification.objects.create(
            recipient=author, organization_id=author.role_grants.first().organization_id, title="停车难", body="x"
        )
        for _ in range(5):
            index_later(note)
        other = Notification.objects.create(
            recipient=author, organization_id=note.organization_id, title="加装电梯", body="y"
        )
        index_later(other)
        index_later(note)
    assert indexed == Counter({("testnote", note.pk): 1, ("testnote", other.pk): 1})
    assert SearchDocument.objects.filter(doc_type="testnote").count() == 2


def test_rolled_back_savepoint_keeps_the_object_indexed_once(
    doc_type, author, indexed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        note = Notification.objects.create(
            recipient=author, organization_id=author.role_grants.first().organization_id, title="停车难", body="x"
        )
        try:
            with transaction.atomic():
                index_later(note)  # its callback is dropped with the savepoint
                raise RuntimeError
        except RuntimeError:
            pass
        index_later(note)
    assert indexed == Counter({("testnote", note.pk): 1})
    assert SearchDocument.objects.filter(doc_type="testnote", object_id=note.pk).exists()


def test_each_transaction_indexes_again(doc_type, author, indexed, django_capture_on_commit_callbacks):
    note = Notification.objects.create(
        recipient=author, organization_id=author.role_grants.first().organization_id, title="停车难", body="x"
    )
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            index_later(note)
            index_later(note)
    assert indexed == Counter({("testnote", note.pk): 2})


def test_proposal_transition_indexes_the_proposal_once(world, indexed, django_capture_on_commit_callbacks):
    """A transition fires the workflow hook and post_save of the proposal and its co-signatures: one task each."""
    w = world
    with django_capture_on_commit_callbacks(execute=True):
        p = make_proposal(w, title="关于校园周边交通安全的建议", body="学校门口拥堵，建议设置护学岗。" * 3)
    assert indexed[("proposal", p.pk)] == 1
    indexed.clear()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        advance(w, p, "submitted")
        proposal_services.proposal_transition(actor=w.staff, proposal=p, key="pre_accept")
    assert indexed == Counter({("proposal", p.pk): 1})
    assert SearchDocument.objects.get(doc_type="proposal", object_id=p.pk).state == "pre_accepted"
