"""Tables that grow without bound (decision 0043): partitioned by month (workflow events by year) on PostgreSQL, with
the `partitions` and `retention` commands; on SQLite plain tables whose old rows retention deletes in batches."""

import gzip
import json
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.db import connection

from xieshang.audit import guard
from xieshang.audit.integrity import verify_trail
from xieshang.audit.models import AuditArchive, AuditEntry
from xieshang.audit.services import audit_record
from xieshang.core import partitions
from xieshang.notifications import services as notification_services
from xieshang.notifications.models import Digest, FollowEvent, InboundSms, Notification, SmsMessage, SmsPrompt

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="partitions exist on PostgreSQL only")

NOW = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
TABLES = {
    "audit_auditentry": "month",
    "notifications_notification": "month",
    "notifications_smsmessage": "month",
    "workflow_workflowevent": "year",
}


def _at(text):
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _one(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def _partition_of(table, pk):
    return _one(f"SELECT tableoid::regclass::text FROM {table} WHERE id = %s", [pk])[0]  # noqa: S608


def _spec(key):
    return next(s for s in partitions.registered() if s.key == key)


@pytest.fixture
def archive_dir(settings, tmp_path):
    settings.XIESHANG_AUDIT_ARCHIVE_DIR = tmp_path
    return tmp_path


def _audit(at, organization=None, action="test.row"):
    entry = AuditEntry(at=_at(at), organization_id=getattr(organization, "pk", None), action=action)
    entry.save()
    return entry


def _notification(user, at, **fields):
    return Notification.objects.create(recipient=user, kind="test", title="t", created_at=_at(at), **fields)


def _sms(at, **fields):
    return SmsMessage.objects.create(phone="13800000000", text="x", gateway="log", created_at=_at(at), **fields)


# PostgreSQL: the tables are partitioned, rows land where they belong ------------------------------------------------


@postgres_only
def test_every_registered_table_is_partitioned_with_a_default():
    assert {s.table for s in partitions.registered()} == set(TABLES)
    for table, interval in TABLES.items():
        strategy = _one(
            "SELECT p.partstrat FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid "
            "WHERE c.relname = %s",
            [table],
        )
        assert strategy == ("r",), table
        found = partitions.partitions(table)
        assert found[-1].is_default and found[-1].name == f"{table}_default"
        current = partitions.period_start(datetime.now(UTC), interval)
        assert current in {p.lower for p in found}, table
        # The key PostgreSQL requires: the id and the partition column; Django still reads and writes by id.
        pk = _one(
            "SELECT array_agg(a.attname ORDER BY a.attname) FROM pg_index x "
            "JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = ANY(x.indkey) "
            "WHERE x.indrelid = %s::regclass AND x.indisprimary",
            [table],
        )[0]
        assert pk[0] in {"at", "created_at"} and pk[1] == "id"


@postgres_only
def test_rows_land_in_their_month_and_the_default_catches_the_rest(organization):
    today = audit_record(actor=None, action="test.today", organization=organization)
    assert _partition_of("audit_auditentry", today.pk) == f"audit_auditentry_p{today.at:%Y_%m}"
    far = _audit("2100-03-01T00:00:00", organization)
    assert _partition_of("audit_auditentry", far.pk) == "audit_auditentry_default"
    # Partition pruning: a query bounded in time reads one partition.
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN SELECT * FROM audit_auditentry WHERE at >= %s AND at < %s",
            [
                partitions.period_start(today.at, "month"),
                partitions.next_period(partitions.period_start(today.at, "month"), "month"),
            ],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert f"audit_auditentry_p{today.at:%Y_%m}" in plan and "audit_auditentry_default" not in plan


@postgres_only
def test_django_reads_updates_and_deletes_by_id_on_a_partitioned_table(member):
    this_month = partitions.period_start(datetime.now(UTC), "month")
    notification = _notification(member, this_month.replace(day=2).isoformat()[:19])
    expected = f"notifications_notification_p{this_month:%Y_%m}"
    assert _partition_of("notifications_notification", notification.pk) == expected
    other = _notification(member, this_month.replace(day=3).isoformat()[:19])
    assert other.pk == notification.pk + 1  # the sequence moved with the table
    assert notification_services.mark_read(user=member, notification_ids=[notification.pk]) == 1
    notification.refresh_from_db()
    assert notification.read_at is not None
    notification.title = "changed"
    notification.save()
    assert Notification.objects.get(pk=notification.pk).title == "changed"
    digest = Digest.objects.create(
        user=member, period="daily:x", frequency="daily", channel="inapp", notification=other
    )
    other.delete()
    digest.refresh_from_db()
    assert digest.notification_id is None  # SET_NULL, done by Django: no foreign key on PostgreSQL
    assert (
        not Notification.objects.filter(pk=other.pk).exists()
        and Notification.objects.filter(pk=notification.pk).exists()
    )


@postgres_only
def test_a_key_stays_unique_through_the_advisory_lock():
    first = notification_services.sms_send(phone="13800000001", text="a", key="k-1")
    again = notification_services.sms_send(phone="13800000001", text="a", key="k-1")
    assert again.pk == first.pk and SmsMessage.objects.filter(key="k-1").count() == 1
    index = _one("SELECT indexdef FROM pg_indexes WHERE indexname = 'notifications_smsmessage_key_7e280ada_uniq'")
    assert index and "UNIQUE" not in index[0]


# The partitions command ---------------------------------------------------------------------------------------------


@postgres_only
def test_partitions_command_creates_the_coming_ones_moves_strays_and_is_idempotent(organization):
    guard.install(connection)  # the triggers hold while the stray rows move (lifted for that transaction only)
    stray = _audit("2031-05-10T00:00:00", organization)
    assert _partition_of("audit_auditentry", stray.pk) == "audit_auditentry_default"
    call_command("partitions")
    assert _partition_of("audit_auditentry", stray.pk) == "audit_auditentry_p2031_05"
    assert AuditEntry.objects.get(pk=stray.pk).row_hash == stray.row_hash
    names = {p.name for p in partitions.partitions("audit_auditentry")}
    coming = partitions.period_start(datetime.now(UTC), "month")
    for _ in range(partitions.AHEAD["month"]):
        coming = partitions.next_period(coming, "month")
        assert f"audit_auditentry_p{coming:%Y_%m}" in names
    assert partitions.ensure(_spec("audit")) == []  # nothing more to do
    with pytest.raises(Exception, match="append-only"), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [stray.pk])


def test_every_run_is_audited():
    call_command("partitions", dry_run=True)
    call_command("retention", dry_run=True)
    assert AuditEntry.objects.filter(action="partitions.run").count() == 1
    run = AuditEntry.objects.get(action="retention.run")
    assert run.detail["dry_run"] is True
    assert {t["table"] for t in run.detail["tables"]} == set(TABLES)


# Retention ----------------------------------------------------------------------------------------------------------


def test_retention_removes_old_notifications_and_sms_and_keeps_the_rest(member, settings):
    settings.XIESHANG_RETENTION_DAYS = {"notifications": 365, "sms": 30, "workflow_events": None}
    # Cut-off: notifications 2025-12-04, SMS 2026-06-04 (30 days raised to the 183-day minimum of a log).
    old, kept = _notification(member, "2025-10-15T00:00:00"), _notification(member, "2026-01-10T00:00:00")
    digest = Digest.objects.create(
        user=member, period="daily:old", frequency="daily", channel="inapp", notification=old
    )
    old_sms, young_sms = _sms("2026-04-02T00:00:00"), _sms("2026-07-01T00:00:00")
    prompt = SmsPrompt.objects.create(
        phone="13800000000",
        user=member,
        message=old_sms,
        code="1234",
        action="t",
        object_id=1,
        expires_at=_at("2026-04-03T00:00:00"),
    )
    reply = InboundSms.objects.create(
        provider_id="p1",
        phone="13800000000",
        text="12341",
        prompt=prompt,
        result="done",
        answer=old_sms,
        received_at=_at("2026-07-02T00:00:00"),
    )
    old_reply = InboundSms.objects.create(
        provider_id="p0", phone="13800000000", text="1", result="unknown", received_at=_at("2026-03-02T00:00:00")
    )

    call_command("retention", dry_run=True, now="2026-12-04T09:00:00")
    assert Notification.objects.filter(pk=old.pk).exists() and SmsMessage.objects.filter(pk=old_sms.pk).exists()

    call_command("retention", now="2026-12-04T09:00:00", table=["notifications", "sms"])
    assert list(Notification.objects.values_list("pk", flat=True)) == [kept.pk]
    assert list(SmsMessage.objects.values_list("pk", flat=True)) == [young_sms.pk]
    digest.refresh_from_db()
    reply.refresh_from_db()
    assert digest.notification_id is None
    assert not SmsPrompt.objects.exists() and reply.prompt_id is None and reply.answer_id is None
    assert not InboundSms.objects.filter(pk=old_reply.pk).exists()
    if connection.vendor == "postgresql":
        names = {p.name for p in partitions.partitions("notifications_notification")}
        assert "notifications_notification_p2025_10" not in names and "notifications_notification_p2026_01" in names
    run = AuditEntry.objects.filter(action="retention.run").latest("id")
    assert {t["table"]: t["rows"] for t in run.detail["tables"]} == {
        "notifications_notification": 1,
        "notifications_smsmessage": 1,
    }


def test_a_dry_run_counts_what_the_run_removes_including_rows_in_the_default_partition(member, settings):
    """On PostgreSQL a row older than the table's partitions sits in the default partition until a run gives its
    period a partition of its own; the dry run, which creates nothing, counts it there (it used to say 0)."""
    settings.XIESHANG_RETENTION_DAYS = {"notifications": 365, "sms": 30, "workflow_events": None}
    for at in ("2025-03-15T00:00:00", "2025-10-15T00:00:00", "2025-10-20T00:00:00", "2026-01-10T00:00:00"):
        _notification(member, at)
    if connection.vendor == "postgresql":
        assert _partition_of("notifications_notification", Notification.objects.earliest("created_at").pk).endswith(
            "_default"
        )

    def recorded(**options):
        call_command("retention", now="2026-12-04T09:00:00", table=["notifications"], **options)
        run = AuditEntry.objects.filter(action="retention.run").latest("id")
        return {t["table"]: (t["rows"], t["dropped"]) for t in run.detail["tables"]}

    planned = recorded(dry_run=True)
    assert Notification.objects.count() == 4  # the dry run removed nothing
    done = recorded()
    assert planned == done and done["notifications_notification"][0] == 3
    if connection.vendor == "postgresql":
        assert done["notifications_notification"][1] == [
            "notifications_notification_p2025_03",
            "notifications_notification_p2025_10",
        ]


def test_follow_events_go_with_the_notifications_period(member, settings):
    """The digests' source (what happened to followed objects) is deleted with the notifications' period: it grew
    without bound before."""
    from django.contrib.contenttypes.models import ContentType

    settings.XIESHANG_RETENTION_DAYS = {"notifications": 365, "sms": 365, "workflow_events": None}
    kind = ContentType.objects.get_for_model(Notification)
    old, young = (
        FollowEvent.objects.create(content_type=kind, object_id=1, kind="t", created_at=_at(at))
        for at in ("2025-06-01T00:00:00", "2026-06-01T00:00:00")
    )

    def recorded(**options):
        call_command("retention", now="2026-12-04T09:00:00", table=["notifications"], **options)
        run = AuditEntry.objects.filter(action="retention.run").latest("id")
        return run.detail["tables"][0]["follow_events"]

    assert recorded(dry_run=True) == 1 and FollowEvent.objects.count() == 2
    assert recorded() == 1
    assert list(FollowEvent.objects.values_list("pk", flat=True)) == [young.pk] and old.pk != young.pk


def test_workflow_events_are_kept(settings, capsys):
    call_command("retention", table=["workflow_events"])
    assert "workflow_events: kept" in capsys.readouterr().out


def test_audit_retention_archives_checkpoints_and_leaves_the_chain_verifiable(
    organization, other_organization, archive_dir
):
    old = [_audit(f"2025-0{m}-15T00:00:00", org) for m in (1, 2, 3) for org in (organization, other_organization)]
    recent = [_audit("2026-11-20T00:00:00", org) for org in (organization, other_organization, None)]
    call_command("retention", now="2026-12-04T09:00:00", table=["audit"])
    remaining = set(AuditEntry.objects.filter(action="test.row").values_list("pk", flat=True))
    assert remaining == {r.pk for r in recent}
    starts = {a.organization_id: a.last_id for a in AuditArchive.objects.order_by("last_id")}
    assert starts == {organization.pk: old[-2].pk, other_organization.pk: old[-1].pk}
    lines = []
    for name in sorted({a.file_name for a in AuditArchive.objects.all()}):
        with gzip.open(archive_dir / name, "rt") as f:
            lines += [json.loads(line) for line in f]
    assert sorted(line["id"] for line in lines) == sorted(r.pk for r in old)
    checked, broken = verify_trail()
    assert broken is None and checked == AuditEntry.objects.count()
    assert AuditEntry.objects.filter(action="audit.anchored").exists() or connection.vendor == "sqlite"
    if connection.vendor == "postgresql":
        assert not {p.name for p in partitions.partitions("audit_auditentry")} & {
            "audit_auditentry_p2025_01",
            "audit_auditentry_p2025_02",
            "audit_auditentry_p2025_03",
        }


def test_audit_retention_never_goes_under_183_days(organization, archive_dir, settings):
    settings.XIESHANG_SECURITY_DEFAULTS = {**settings.XIESHANG_SECURITY_DEFAULTS, "audit_retention_days": 30}
    young = _audit("2026-07-01T00:00:00", organization)  # 156 days before the run
    call_command("retention", now="2026-12-04T09:00:00", table=["audit"])
    assert AuditEntry.objects.filter(pk=young.pk).exists()


@postgres_only
def test_audit_retention_stops_where_dropping_would_cut_a_chain(organization, archive_dir):
    _audit("2025-01-15T00:00:00", organization)
    later_month = _audit("2025-03-15T00:00:00", organization)
    backdated = _audit("2025-02-15T00:00:00", organization)  # stamped in February, chained after March's row
    call_command("retention", now="2026-12-04T09:00:00", table=["audit"])
    kept = set(AuditEntry.objects.filter(action="test.row").values_list("pk", flat=True))
    assert kept == {later_month.pk, backdated.pk}  # January went; February would leave a hole before March
    run = AuditEntry.objects.filter(action="retention.run").latest("id")
    assert "audit_auditentry_p2025_02" in run.detail["tables"][0]["refused"]
    assert verify_trail()[1] is None


@postgres_only
def test_a_broken_chain_is_not_archived_away(organization, archive_dir):
    rows = [_audit(f"2025-0{m}-15T00:00:00", organization) for m in (1, 2)]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET action = 'forged' WHERE id = %s", [rows[0].pk])
    call_command("retention", now="2026-12-04T09:00:00", table=["audit"])
    assert AuditEntry.objects.filter(pk__in=[r.pk for r in rows]).count() == 2
    assert not AuditArchive.objects.exists() and not list(archive_dir.iterdir())


def test_sqlite_deletes_in_batches(member, settings, monkeypatch):
    monkeypatch.setattr(partitions, "BATCH", 3)
    settings.XIESHANG_RETENTION_DAYS = {"notifications": 365, "sms": 365, "workflow_events": None}
    for day in range(1, 8):
        _notification(member, f"2025-06-0{day}T00:00:00")
    kept = _notification(member, "2026-06-01T00:00:00")
    outcome = partitions.apply_retention(_spec("notifications"), now=NOW)
    assert outcome.rows == 7 and list(Notification.objects.values_list("pk", flat=True)) == [kept.pk]


@postgres_only
def test_the_migration_goes_back_and_forth_keeping_rows_and_chain(organization):
    rows = [audit_record(actor=None, action="test.row", organization=organization) for _ in range(3)]
    with connection.schema_editor() as editor:
        partitions.unconvert(editor, "audit_auditentry", "at")
        assert not partitions.is_partitioned("audit_auditentry")
        partitions.convert(editor, "audit_auditentry", "at", partitions.MONTH)
    assert partitions.is_partitioned("audit_auditentry")
    assert list(AuditEntry.objects.filter(action="test.row").order_by("id").values_list("pk", flat=True)) == [
        r.pk for r in rows
    ]
    after = audit_record(actor=None, action="test.row", organization=organization)
    assert after.pk > rows[-1].pk and after.prev_hash == rows[-1].row_hash
    assert verify_trail()[1] is None
