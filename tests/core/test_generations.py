"""core.generations: a generation changes at once when advanced, again when the writing transaction commits, and is
shared by every name joined with it."""

import pytest
from django.db import transaction

from xieshang.core import generations

pytestmark = pytest.mark.django_db


def test_advance_changes_now_and_again_at_commit(django_capture_on_commit_callbacks):
    before = generations.current("things")
    assert generations.current("things") == before  # stable while nothing is written
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        generations.advance("things")
        inside = generations.current("things")
        assert inside != before
        generations.advance("things")  # once more in the same transaction: one more change at commit, not two
    assert len(callbacks) == 1
    after = generations.current("things")
    assert after not in (before, inside)


def test_rolled_back_write_still_leaves_a_new_generation():
    before = generations.current("things")
    with pytest.raises(RuntimeError), transaction.atomic():
        generations.advance("things")
        raise RuntimeError
    assert generations.current("things") != before  # a value read during the write is never reused


def test_joined_names_change_when_any_changes():
    joined = generations.joined("a", "b")
    assert generations.joined("a", "b") == joined
    generations.advance("b")
    assert generations.joined("a", "b") != joined
    assert generations.joined("a", "b").startswith(generations.current("a"))
