"""The shared shapes of core.models: append-only rows, per-organization settings and the numbering counter.

The concrete models are the template app's (tests/workflow/testapp): TicketNote (AppendOnlyModel) and TicketSettings
(OrganizationSettings)."""

import threading

import pytest
from django.core.cache import cache
from django.db import connection, connections, transaction

from tests.workflow.conftest import make_org, make_user
from tests.workflow.testapp.models import Ticket, TicketNote, TicketSettings
from xieshang.accounts.models import Organization, Role
from xieshang.core.models import AppendOnlyError, Counter, next_number

# append-only rows


@pytest.fixture
def note(db):
    org = make_org("coreao", "只增市政协")
    author = make_user(org, Role.MEMBER)
    ticket = Ticket.objects.create(organization=org, title="工单", submitter=author)
    return TicketNote.objects.create(ticket=ticket, author=author, text="第一条")


def test_an_append_only_row_is_written_once(note):
    note.text = "改过"
    with pytest.raises(AppendOnlyError):
        note.save()
    with pytest.raises(AppendOnlyError):
        note.save(update_fields=["text"])
    assert TicketNote.objects.get(pk=note.pk).text == "第一条"


def test_an_append_only_row_is_never_deleted(note):
    with pytest.raises(AppendOnlyError):
        note.delete()
    with pytest.raises(AppendOnlyError):
        TicketNote.objects.filter(pk=note.pk).delete()
    with pytest.raises(AppendOnlyError):
        TicketNote.objects.all()._raw_delete(connection.alias)
    assert TicketNote.objects.filter(pk=note.pk).exists()


def test_an_append_only_table_refuses_bulk_changes(note):
    with pytest.raises(AppendOnlyError):
        TicketNote.objects.filter(pk=note.pk).update(text="改过")
    note.text = "改过"
    with pytest.raises(AppendOnlyError):
        TicketNote.objects.bulk_update([note], ["text"])
    assert TicketNote.objects.get(pk=note.pk).text == "第一条"


def test_deleting_the_parent_does_not_remove_history_silently(note):
    with pytest.raises(AppendOnlyError), transaction.atomic():
        note.ticket.delete()
    assert TicketNote.objects.filter(pk=note.pk).exists() and Ticket.objects.filter(pk=note.ticket_id).exists()


def test_new_append_only_rows_are_written(note):
    TicketNote.objects.create(ticket=note.ticket, author=note.author, text="第二条")
    TicketNote.objects.bulk_create([TicketNote(ticket=note.ticket, author=note.author, text="第三条")])
    assert list(TicketNote.objects.order_by("pk").values_list("text", flat=True)) == ["第一条", "第二条", "第三条"]


# per-organization settings


@pytest.fixture
def org(db):
    return make_org("coreset", "设置市政协")


def test_settings_default_to_an_unsaved_row(org):
    found = TicketSettings.for_organization(org)
    assert found.pk is None and found.organization_id == org.pk
    assert (found.note_limit, found.number_prefix) == (500, "T")
    assert TicketSettings.for_organization(org.pk).note_limit == 500  # an id will do
    assert not TicketSettings.objects.exists()


def test_settings_are_cached(org, django_assert_num_queries):
    TicketSettings.objects.create(organization=org, note_limit=80)
    assert TicketSettings.for_organization(org).note_limit == 80
    with django_assert_num_queries(0):
        assert TicketSettings.for_organization(org).note_limit == 80
    # the unsaved default is cached too
    other = make_org("coreset2", "另一市政协")
    TicketSettings.for_organization(other)
    with django_assert_num_queries(0):
        assert TicketSettings.for_organization(other).pk is None


def test_saving_settings_clears_the_cached_row(org):
    assert TicketSettings.for_organization(org).note_limit == 500
    row = TicketSettings.objects.create(organization=org, note_limit=80)
    assert TicketSettings.for_organization(org).note_limit == 80
    row.note_limit = 120
    row.save()
    assert TicketSettings.for_organization(org).note_limit == 120
    row.delete()
    assert TicketSettings.for_organization(org).pk is None


def test_settings_are_forgotten_again_after_commit(org, django_capture_on_commit_callbacks):
    """Another process may cache the old row between our save and our commit: the entry goes again on commit."""
    with django_capture_on_commit_callbacks(execute=True):
        row = TicketSettings.objects.create(organization=org, note_limit=80)
        cache.set(TicketSettings.cache_key(org.pk), TicketSettings(organization=org), 300)  # a stale read
    assert TicketSettings.for_organization(org).note_limit == row.note_limit == 80


def test_settings_are_per_organization(org):
    other = make_org("coreset3", "第三市政协")
    TicketSettings.objects.create(organization=org, number_prefix="Z")
    assert TicketSettings.for_organization(org).number_prefix == "Z"
    assert TicketSettings.for_organization(other).number_prefix == "T"


# the numbering counter


def test_numbers_are_sequential_per_scope_organization_and_year(org):
    with transaction.atomic():
        assert [next_number("t.a", org.pk, 2026) for _ in range(3)] == [1, 2, 3]
        assert next_number("t.a", org.pk, 2027) == 1
        assert next_number("t.b", org.pk, 2026) == 1
        assert next_number("t.a", org.pk + 1, 2026) == 1
        assert next_number("t.a", org.pk, 2026) == 4
    assert Counter.objects.get(scope="t.a", organization_id=org.pk, year=2026).last == 4


def test_a_new_counter_may_start_after_numbers_already_handed_out(org):
    with transaction.atomic():
        assert next_number("t.moved", org.pk, start_after=41) == 42
        assert next_number("t.moved", org.pk, start_after=41) == 43  # start_after only counts for a new counter


def test_a_rolled_back_number_is_given_back(org):
    with transaction.atomic():
        assert next_number("t.rb", org.pk) == 1
    with pytest.raises(RuntimeError), transaction.atomic():
        assert next_number("t.rb", org.pk) == 2
        raise RuntimeError("the proposal was not stored")
    with transaction.atomic():
        assert next_number("t.rb", org.pk) == 2


def test_numbering_outside_a_transaction_is_refused(db):
    # pytest-django wraps each test in a transaction; leave it to see autocommit.
    with pytest.raises(RuntimeError, match="inside the transaction"):
        transaction.get_connection().in_atomic_block = False
        try:
            next_number("t.x", 1)
        finally:
            transaction.get_connection().in_atomic_block = True


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL (DATABASE_URL=postgres://…)")
def test_concurrent_numbering_never_repeats_a_number():
    org = Organization.objects.create(name="并发编号市政协", short_name="并发", code="corenum")
    workers, each = 6, 5
    barrier = threading.Barrier(workers)
    got: list[int] = []
    errors: list[BaseException] = []
    guard = threading.Lock()

    def worker():
        try:
            barrier.wait()
            for _ in range(each):
                with transaction.atomic():
                    n = next_number("t.race", org.pk, 2026)
                with guard:
                    got.append(n)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    assert sorted(got) == list(range(1, workers * each + 1))
    assert Counter.objects.get(scope="t.race", organization_id=org.pk, year=2026).last == workers * each
