"""core.generations: a generation changes at once when advanced, again when the writing transaction commits, and is
shared by every name joined with it."""

import pytest
from django.db import connection, transaction

from xieshang.core import generations
from xieshang.core.models import Counter  # a plain table no generation watches

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


def test_a_rolled_back_savepoint_does_not_swallow_the_next_writes_change_at_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            generations.advance("things")
            raise RuntimeError  # its on_commit callback goes with the savepoint
        generations.advance("things")
        inside = generations.current("things")
    assert len(callbacks) == 1
    assert generations.current("things") != inside


@pytest.fixture
def watched_table():
    generations.watch("counters-written", Counter._meta.db_table)
    yield "counters-written"
    generations._watched.pop(Counter._meta.db_table)


def test_every_kind_of_write_of_a_watched_table_moves_its_generation(watched_table):
    assert generations._written in connection.execute_wrappers  # installed on the connection by core.apps
    seen = {generations.current(watched_table)}

    def moved() -> bool:
        now = generations.current(watched_table)
        fresh = now not in seen
        seen.add(now)
        return fresh

    # Each write in a transaction of its own (here savepoints: the test runs in one), as requests make them.
    with transaction.atomic():
        site = Counter.objects.create(scope="a", organization_id=1)
    assert moved()
    with transaction.atomic():
        Counter.objects.filter(pk=site.pk).update(last=2)  # no signal
    assert moved()
    with transaction.atomic():
        Counter.objects.bulk_create([Counter(scope="c", organization_id=1)])  # no signal
    assert moved()
    with transaction.atomic(), connection.cursor() as cursor:  # raw SQL, unquoted
        cursor.execute(f"UPDATE {Counter._meta.db_table} SET last = %s WHERE id = %s", [4, site.pk])
    assert moved()
    with transaction.atomic():
        Counter.objects.filter(pk=site.pk).delete()
    assert moved()
    list(Counter.objects.all())  # a read moves nothing
    Counter.objects.filter(pk=-1).exists()
    assert not moved()


def test_writes_of_other_tables_move_nothing(watched_table):
    before = generations.current(watched_table)
    generations.advance("unrelated")
    from xieshang.accounts.models import Organization

    Organization.objects.filter(pk=-1).update(name="x")
    assert generations.current(watched_table) == before


def test_a_transaction_writing_many_rows_moves_the_generation_once_now_and_once_at_commit(
    watched_table, django_capture_on_commit_callbacks
):
    before = generations.current(watched_table)
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        for i in range(5):
            Counter.objects.create(scope=f"many{i}", organization_id=1)
        inside = generations.current(watched_table)
    assert inside != before
    assert len(callbacks) == 1
    assert generations.current(watched_table) not in (before, inside)


def test_kept_sections_watch_their_tables_before_any_workbench_is_rendered():
    """Every process moves the generations of what it writes, whether or not it ever rendered a workbench: the
    moderation queue's kinds (a registry filled in the apps' ready()) are watched by the first statement."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    assert not generations._deferred
    assert "tables:deliberation.statement" in generations._watched["deliberation_statement"]
    assert "tables:consultations" in generations._watched["consultations_consultation"]
    assert "tables:announcements" in generations._watched["announcements_recipient"]


def test_a_transaction_moving_several_generations_writes_the_cache_once_at_commit(
    monkeypatch, django_capture_on_commit_callbacks
):
    """Issue #18: a transition writes four watched tables; their generations reach the cache in one round trip at
    commit, and before it only when this thread reads one (what it reads then is its own transaction's view)."""
    from django.core.cache import cache

    before = generations.joined("a", "b")
    writes: list[object] = []
    real_set_many = cache.set_many
    monkeypatch.setattr(generations, "_new", lambda name: writes.append(("set", name)))  # one name, one round trip

    def set_many(values, *args, **kwargs):
        writes.append(("set_many", sorted(values)))
        return real_set_many(values, *args, **kwargs)

    monkeypatch.setattr(cache, "set_many", set_many)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for _ in range(3):
            generations.advance("a")
            generations.advance("b")
        assert writes == []  # nothing read yet: nothing written
        inside = generations.joined("a", "b")
        assert writes == [("set_many", ["generation:a", "generation:b"])] and inside != before
        generations.advance("a")
    assert writes[1:] == [("set_many", ["generation:a", "generation:b"])]  # the commit: one round trip
    after = generations.joined("a", "b")
    assert after not in (before, inside)
    assert len(writes) == 2 and generations.joined("a", "b") == after  # the next reads move nothing again
