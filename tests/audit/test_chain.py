"""The audit hash chain: every row carries the previous row's hash; audit_verify names the first broken row."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from xieshang.audit import chain
from xieshang.audit.models import AuditEntry
from xieshang.audit.services import audit_record

pytestmark = pytest.mark.django_db


def _tamper(sql, params=()):
    # What someone with the database's password could do: the ORM refuses, the guard is off in tests.
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _rows(n, organization=None):
    return [
        audit_record(actor=None, action=f"test.row{i}", organization=organization, detail={"i": i}) for i in range(n)
    ]


def test_each_row_points_at_the_previous_one_in_its_organization(organization, other_organization):
    a1 = audit_record(actor=None, action="a", organization=organization)
    b1 = audit_record(actor=None, action="b", organization=other_organization)
    a2 = audit_record(actor=None, action="a", organization=organization, detail={"k": (1, 2)})
    assert a1.prev_hash == chain.GENESIS and b1.prev_hash == chain.GENESIS
    assert a2.prev_hash == a1.row_hash and a2.row_hash != a1.row_hash
    stored = AuditEntry.objects.get(pk=a2.pk)
    assert stored.row_hash == chain.row_hash(stored, stored.prev_hash)


def test_verify_passes_on_an_intact_trail(organization, capsys):
    _rows(5, organization)
    _rows(3)
    call_command("audit_verify")
    assert "intact: 8 rows" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("how", "reason"),
    [
        ("UPDATE audit_auditentry SET action = 'forged' WHERE id = %s", "content differs"),
        ("UPDATE audit_auditentry SET detail = '{\"i\": 99}' WHERE id = %s", "content differs"),
        ("DELETE FROM audit_auditentry WHERE id = %s", "does not follow"),
    ],
)
def test_verify_names_the_first_broken_row(organization, how, reason):
    rows = _rows(6, organization)
    victim = rows[2]
    _tamper(how, [victim.pk])
    with pytest.raises(CommandError) as error:
        call_command("audit_verify")
    first_broken = victim.pk if "UPDATE" in how else rows[3].pk
    assert f"row {first_broken} " in str(error.value) and reason in str(error.value)


def test_a_recomputed_chain_is_caught_by_an_earlier_anchor(organization, tmp_path):
    rows = _rows(4, organization)
    anchors = tmp_path / "anchors.jsonl"
    call_command("audit_anchor", output=anchors)
    head = json.loads(anchors.read_text().splitlines()[0])["heads"]
    assert {h["last_id"] for h in head if h["organization_id"] == organization.pk} == {rows[-1].pk}
    # A forger rewrites a row and recomputes every hash after it: the chain alone looks whole ...
    _tamper("UPDATE audit_auditentry SET action = 'forged' WHERE id = %s", [rows[1].pk])
    prev = rows[0].row_hash
    for row in AuditEntry.objects.filter(organization_id=organization.pk, pk__gte=rows[1].pk).order_by("id"):
        digest = chain.row_hash(row, prev)
        _tamper("UPDATE audit_auditentry SET prev_hash = %s, row_hash = %s WHERE id = %s", [prev, digest, row.pk])
        prev = digest
    call_command("audit_verify")
    # ... but not against the anchor taken before.
    with pytest.raises(CommandError, match=f"row {rows[-1].pk} .*anchor"):
        call_command("audit_verify", anchors=anchors)


def test_anchor_is_written_to_the_log_and_recorded(organization, caplog):
    _rows(2, organization)
    call_command("audit_anchor")
    assert any("audit anchor" in r.getMessage() for r in caplog.records)
    assert AuditEntry.objects.filter(action="audit.anchored").exists()
