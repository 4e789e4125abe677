"""Receipt numbers of reports and issue numbers come from the one locked counter (core.models.next_number): two
submissions never share a number, also at the same moment on PostgreSQL (issue #11: "highest + 1" against a unique
constraint raised IntegrityError)."""

import threading

import pytest
from django.db import connection, connections

from xieshang.core.models import Counter
from xieshang.opinions import services
from xieshang.opinions.models import BulletinIssue, Report


@pytest.mark.django_db
def test_two_submissions_get_distinct_numbers(submit):
    first, second = submit(title="第一篇"), submit(title="第二篇")
    assert (first.seq, second.seq) == (1, 2)
    assert first.serial != second.serial
    counter = Counter.objects.get(scope="opinions.report", organization_id=first.organization_id, year=first.year)
    assert counter.last == 2


@pytest.mark.django_db
def test_a_new_counter_starts_after_the_numbers_already_stored(submit):
    report = submit()
    # Numbers handed out before the counter existed (or written in bulk by an import).
    Report.objects.filter(pk=report.pk).update(seq=41)
    Counter.objects.filter(scope="opinions.report").delete()
    assert submit(title="之后的").seq == 42


@pytest.mark.django_db
def test_issue_numbers_count_per_kind(submit, drive, staff, organization):
    numbers = []
    for kind in ("regular", "regular", "special"):
        issue = services.issue_create(actor=staff, organization=organization, kind=kind)
        services.issue_add_reports(actor=staff, issue=issue, reports=[drive(submit(), "approved")])
        numbers.append((kind, services.issue_publish(actor=staff, issue=issue).number))
    assert numbers == [("regular", 1), ("regular", 2), ("special", 1)]
    assert BulletinIssue.objects.filter(number__isnull=False).count() == 3


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL (DATABASE_URL=postgres://…)")
def test_simultaneous_submissions_on_postgresql(organization, author, coauthor):
    barrier = threading.Barrier(2)
    results = [None, None]

    def worker(i, actor):
        try:
            barrier.wait()
            results[i] = services.report_submit(
                actor=actor, organization=organization, title=f"同时报送{i}", body="同一时刻的两篇。"
            )
        except Exception as exc:  # noqa: BLE001 - the assertion below shows it
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, user)) for i, user in enumerate((author, coauthor))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert all(isinstance(r, Report) for r in results), results
    assert sorted(r.seq for r in results) == [1, 2]
