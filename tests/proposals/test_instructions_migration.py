"""The data migrations of decision 0034: the key proposals' and the opinion reports' instructions move into the base's
one table and back without loss; the duty entries that credit an instruction follow it both ways."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import make_user
from tests.proposals.test_key_supervision import _key
from xieshang.accounts.models import Role
from xieshang.duties.models import DutyEntry
from xieshang.instructions.models import Instruction
from xieshang.opinions import services as opinions
from xieshang.opinions.models import Level, Report
from xieshang.proposals import services

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [("opinions", "0003_state_tags_and_record_conditions"), ("proposals", "0018_unit_reports")]
FIELDS = ("leader_id", "leader_name", "leader_title", "text", "instructed_on", "recorded_by_id", "created_at")


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _sent_report(w) -> Report:
    staff = make_user(Role.INFORMATION_STAFF, w.org, username="info", name="信息处")
    recipients = {r.level: r for r in opinions.recipients_ensure_defaults(w.org)}
    report = opinions.report_submit(actor=w.lead, organization=w.org, title="关于加装电梯的建议", body="建议" * 40)
    opinions.report_transition(actor=staff, report=report, key="take_up")
    opinions.report_transition(actor=staff, report=report, key="approve")
    issue = opinions.issue_create(actor=staff, organization=w.org)
    opinions.issue_add_reports(actor=staff, issue=issue, reports=[report])
    opinions.issue_publish(actor=staff, issue=issue)
    opinions.report_send(actor=staff, report=report, recipients=[recipients[Level.OWN]])
    opinions.instruction_record(
        actor=staff, report=report, level=Level.OWN, leader_name="王某某", leader_title="副市长", text="请研究落实。"
    )
    opinions.instruction_record(actor=staff, report=report, level=Level.OWN, leader=w.leader, text="阅。")
    return report


def _rows(queryset, *extra):
    return sorted((tuple(getattr(i, f) for f in (*FIELDS, *extra)) for i in queryset), key=repr)


def test_instructions_move_to_the_base_table_and_back(world):
    w = world
    proposal = _key(w)
    key = services.key_instruction_record(actor=w.leader, proposal=proposal, text="请抓紧办理，年底前见成效。")
    report = _sent_report(w)
    key_rows = _rows(proposal.key_instructions.all())
    report_rows = _rows(report.instructions.all(), "level")
    credited = DutyEntry.objects.filter(content_type=ContentType.objects.get_for_model(Instruction))
    assert credited.count() == 2  # one author credited for each of the two instructions
    credits = sorted(credited.values_list("member_id", "rule_key", "occurred_on"))
    try:
        old = _migrate(BEFORE)
        KeyInstruction = old.get_model("proposals", "KeyInstruction")
        OldInstruction = old.get_model("opinions", "Instruction")
        assert _rows(KeyInstruction.objects.all()) == key_rows
        assert KeyInstruction.objects.get().pk == key.pk
        assert _rows(OldInstruction.objects.all(), "level") == report_rows
        assert set(OldInstruction.objects.values_list("report_id", flat=True)) == {report.pk}
        assert not Instruction.objects.exists()
        old_type = ContentType.objects.get(app_label="opinions", model="instruction")
        assert set(DutyEntry.objects.filter(content_type=old_type).values_list("object_id", flat=True)) == set(
            OldInstruction.objects.values_list("pk", flat=True)
        )
        # A key instruction with a high id written before the move: it keeps its id, and the table's next id
        # comes after it on every database.
        KeyInstruction.objects.create(
            pk=key.pk + 500, proposal_id=proposal.pk, leader_name="李某某", text="阅。", instructed_on=key.instructed_on
        )
    finally:
        _migrate(_latest())
    assert _rows(Instruction.objects.filter(proposal=proposal).exclude(pk=key.pk + 500)) == key_rows
    assert set(Instruction.objects.filter(proposal=proposal).values_list("pk", flat=True)) == {key.pk, key.pk + 500}
    assert _rows(Instruction.objects.filter(report=report), "level") == report_rows
    assert Instruction.objects.count() == 4
    moved = DutyEntry.objects.filter(content_type=ContentType.objects.get_for_model(Instruction))
    assert sorted(moved.values_list("member_id", "rule_key", "occurred_on")) == credits
    assert {e.source.subject for e in moved} == {report}
    fresh = services.key_instruction_record(actor=w.leader, proposal=proposal, text="再次批示。")
    assert fresh.pk > key.pk + 500
