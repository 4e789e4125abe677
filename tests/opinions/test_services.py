"""The pipeline through its services: submission, editing with versions, issues, sending up, forwarding, replies,
instructions and adoptions with their credit, and every refusal leaving nothing half-saved."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.factories import make_user
from xieshang.accounts.models import Role
from xieshang.duties.models import DutyEntry
from xieshang.duties.selectors import totals_for_member
from xieshang.instructions.models import Instruction
from xieshang.opinions import services
from xieshang.opinions.models import (
    Adoption,
    BulletinIssue,
    Dispatch,
    Forward,
    Level,
    OpinionSettings,
    Report,
    ReportVersion,
)
from xieshang.workflow.exceptions import ConditionFailed, NotAllowed
from xieshang.workflow.models import WorkflowEvent
from xieshang.workflow.selectors import events_for


def test_submit_collects_with_original_version_authors_and_snapshot(submit, author, coauthor):
    report = submit(coauthors=[coauthor], urgent=True)
    assert report.state.key == "collected"
    assert report.seq == 1 and report.serial.endswith("-0001")
    assert [a.user for a in report.author_links.all()] == [author, coauthor]
    assert report.versions.get().number == 1
    assert report.sector.name == "教育界" and report.party == "cdl"
    assert events_for(report).get().kind == WorkflowEvent.Kind.START


def test_body_over_the_limit_is_refused_beside_the_field_and_nothing_is_saved(submit, organization):
    OpinionSettings.objects.create(organization=organization, body_max_chars=20)
    with pytest.raises(ValidationError) as exc:
        submit(body="字" * 21)
    assert "body" in exc.value.message_dict and "21" in exc.value.message_dict["body"][0]
    assert Report.objects.count() == 0 and WorkflowEvent.objects.count() == 0
    assert submit(body="字" * 20).body == "字" * 20


def test_default_limit_is_1500_characters(submit):
    with pytest.raises(ValidationError):
        submit(body="字" * 1501)
    assert len(submit(body="字" * 1500).body) == 1500


def test_coauthor_from_another_organization_is_refused(submit, other_organization):
    outsider = make_user(Role.MEMBER, other_organization)
    with pytest.raises(ValidationError) as exc:
        submit(coauthors=[outsider])
    assert "coauthors" in exc.value.message_dict
    assert Report.objects.count() == 0


def test_citizen_cannot_submit(organization):
    citizen = make_user(Role.CITIZEN, organization)
    with pytest.raises(PermissionDenied):
        services.report_submit(actor=citizen, organization=organization, title="标题", body="正文")


def test_informant_can_submit(organization):
    informant = make_user(Role.INFORMANT, organization)
    report = services.report_submit(actor=informant, organization=organization, title="标题", body="正文")
    assert report.submitter == informant
    # the form's default "member" becomes "informant" for an appointed informant (statistics count by kind)
    assert report.author_kind == Report.AuthorKind.INFORMANT


def test_the_author_kind_must_fit_the_author(organization, author, staff):
    with pytest.raises(ValidationError) as exc:
        services.report_submit(
            actor=author, organization=organization, title="标题", body="正文", author_kind="informant"
        )
    assert "特邀信息员" in exc.value.message_dict["author_kind"][0]
    with pytest.raises(ValidationError) as exc:
        services.report_submit(actor=staff, organization=organization, title="标题", body="正文")
    assert "不是本组织的委员" in exc.value.message_dict["author_kind"][0]
    assert not Report.objects.exists()
    standing = make_user(Role.STANDING_MEMBER, organization, name="常委")
    party = services.report_submit(
        actor=staff,
        organization=organization,
        title="标题",
        body="正文",
        author_kind="party",
        author_org_name="民盟市委",
        coauthors=[standing],
    )
    assert party.author_kind == "party" and [a.user for a in party.author_links.all()] == [staff, standing]


def test_editing_keeps_every_version(submit, staff, drive):
    report = drive(submit(), "editing")
    v2 = services.report_edit(actor=staff, report=report, title=report.title, body=report.body + "补充。", note="补充")
    assert v2.number == 2
    assert services.report_edit(actor=staff, report=report, title=report.title, body=report.body) is None
    v3 = services.report_edit(actor=staff, report=report, title="新标题", body="新正文")
    assert list(report.versions.values_list("number", flat=True)) == [1, 2, 3]
    assert report.versions.get(number=1).title == "关于推进老旧小区加装电梯的建议"
    report.refresh_from_db()
    assert (report.title, report.body, v3.editor) == ("新标题", "新正文", staff)


def test_edit_outside_editing_state_is_refused(submit, staff, author):
    report = submit()
    with pytest.raises(ValidationError):
        services.report_edit(actor=staff, report=report, title="x", body="y")
    with pytest.raises(PermissionDenied):
        services.report_edit(actor=author, report=report, title="x", body="y")
    assert ReportVersion.objects.count() == 1


def test_approve_sets_edited_time_and_close_keeps_reason_for_author(submit, drive, staff):
    report = drive(submit(), "approved")
    assert report.edited_at is not None
    other = submit(title="另一条")
    services.report_transition(actor=staff, report=other, key="close", reason="内容重复，已并入同类信息。")
    other.refresh_from_db()
    assert other.state.key == "closed" and other.close_reason == "内容重复，已并入同类信息。"


def test_issue_without_reports_is_refused(staff, organization):
    issue = services.issue_create(actor=staff, organization=organization)
    with pytest.raises(ValidationError) as exc:
        services.issue_publish(actor=staff, issue=issue)
    assert "reports" in exc.value.message_dict
    issue.refresh_from_db()
    assert issue.status == "draft" and issue.number is None


def test_only_approved_reports_enter_an_issue(submit, staff, organization, drive):
    issue = services.issue_create(actor=staff, organization=organization)
    fresh = submit()
    approved = drive(submit(title="已签批"), "approved")
    with pytest.raises(ValidationError):
        services.issue_add_reports(actor=staff, issue=issue, reports=[approved, fresh])
    # Nothing half-saved: the approved one was not put in either.
    assert not Report.objects.filter(issue=issue).exists()


def test_issue_numbering_is_per_organization_year_and_kind(submit, staff, organization, drive):
    numbers = []
    for kind in ("regular", "regular", "special"):
        report = drive(submit(title=f"信息{kind}{len(numbers)}"), "approved")
        issue = services.issue_create(actor=staff, organization=organization, kind=kind)
        services.issue_add_reports(actor=staff, issue=issue, reports=[report])
        services.issue_publish(actor=staff, issue=issue)
        numbers.append((issue.kind, issue.number))
        report.refresh_from_db()
        assert report.state.key == "issued" and report.issued_at is not None
    assert numbers == [("regular", 1), ("regular", 2), ("special", 1)]
    assert str(BulletinIssue.objects.get(kind="regular", number=2)).endswith("第2期")


def test_publish_transition_is_refused_outside_the_service(submit, staff, drive):
    from xieshang.workflow.services import transition

    report = drive(submit(), "approved")
    with pytest.raises(ConditionFailed):
        transition(actor=staff, obj=report, transition_key="publish")


def test_send_up_and_adoption_only_at_levels_sent_to(submit, drive, staff, recipients, author, coauthor):
    report = drive(submit(coauthors=[coauthor]), "sent", levels=(Level.OWN, Level.PROVINCIAL))
    assert set(report.dispatches.values_list("level", flat=True)) == {"own", "provincial"}
    with pytest.raises(ValidationError) as exc:
        services.adoption_record(actor=staff, report=report, level=Level.NATIONAL)
    assert "level" in exc.value.message_dict and "未曾报送" in exc.value.message_dict["level"][0]
    assert not Adoption.objects.exists() and not DutyEntry.objects.exists()

    adoption = services.adoption_record(actor=staff, report=report, level=Level.PROVINCIAL, note="省政协采用")
    # Each author is credited by the level's default rule (provincial: 5), traceable to the adoption.
    for person in (author, coauthor):
        entry = DutyEntry.objects.get(member=person)
        assert entry.points == Decimal(5) and entry.source == adoption and entry.kind == "opinion_adopted"
    with pytest.raises(ValidationError):
        services.adoption_record(actor=staff, report=report, level=Level.PROVINCIAL)
    assert DutyEntry.objects.count() == 2


def test_national_adoption_credits_20_and_own_level_1(submit, drive, staff, author):
    report = drive(submit(), "sent", levels=(Level.OWN, Level.NATIONAL))
    services.adoption_record(actor=staff, report=report, level=Level.OWN)
    services.adoption_record(actor=staff, report=report, level=Level.NATIONAL)
    assert totals_for_member(author)["total"] == Decimal(21)


def test_instruction_needs_a_leader_and_credits_ten(submit, drive, staff, author):
    report = drive(submit(), "sent")
    with pytest.raises(ValidationError) as exc:
        services.instruction_record(actor=staff, report=report, level=Level.OWN, text="请研究办理。")
    assert "leader_name" in exc.value.message_dict
    assert not Instruction.objects.exists() and not DutyEntry.objects.exists()
    leader = make_user(Role.LEADER, report.organization, name="王副市长")
    instruction = services.instruction_record(
        actor=staff, report=report, level=Level.OWN, text="请研究办理。", leader=leader, leader_title="副市长"
    )
    assert instruction.leader_name == "王副市长"
    entry = DutyEntry.objects.get(member=author)
    assert entry.points == Decimal(10) and entry.kind == "instruction" and entry.source == instruction
    event = events_for(report).last()
    assert event.transition.key == "instruct" and "王副市长" in event.payload["leader"]


def test_instruction_before_sending_is_refused(submit, drive, staff):
    report = drive(submit(), "issued")
    with pytest.raises(ValidationError):
        services.instruction_record(actor=staff, report=report, level="own", leader_name="王某", text="阅")
    assert not Instruction.objects.exists()


def test_forward_and_reply_by_the_unit(submit, drive, staff, unit, officer, author):
    report = drive(submit(), "issued")
    services.report_forward(actor=staff, report=report, units=[unit], note="请办理")
    report.refresh_from_db()
    assert report.state.key == "sent"
    forward = Forward.objects.get()
    stranger = make_user(Role.UNIT_OFFICER, report.organization)
    with pytest.raises(PermissionDenied):
        services.forward_reply(actor=stranger, forward=forward, text="已办理")
    with pytest.raises(ValidationError):
        services.forward_reply(actor=officer, forward=forward, text="  ")
    services.forward_reply(actor=officer, forward=forward, text="已纳入明年计划。")
    forward.refresh_from_db()
    assert forward.replied_by == officer and forward.replied_at is not None
    assert events_for(report).last().transition.key == "reply"


def test_send_to_the_same_recipient_twice_is_refused(submit, drive, staff, recipients):
    report = drive(submit(), "sent")
    with pytest.raises(ValidationError):
        services.report_send(actor=staff, report=report, recipients=[recipients[Level.OWN]])
    assert Dispatch.objects.count() == 1


def test_issue_send_sends_every_report(submit, drive, staff, organization, recipients):
    reports = [drive(submit(title=f"信息{i}"), "approved") for i in range(3)]
    issue = services.issue_create(actor=staff, organization=organization)
    services.issue_add_reports(actor=staff, issue=issue, reports=reports)
    services.issue_publish(actor=staff, issue=issue)
    assert services.issue_send(actor=staff, issue=issue, recipients=[recipients[Level.PROVINCIAL]]) == 3
    assert Dispatch.objects.filter(level="provincial").count() == 3


def test_credit_is_idempotent_and_capped(submit, drive, staff, author, organization):
    from xieshang.duties.models import DutyRule
    from xieshang.duties.services import duty_credit

    report = drive(submit(), "sent")
    adoption = services.adoption_record(actor=staff, report=report, level=Level.OWN)
    again = duty_credit(member=author, organization=organization, rule_key="opinion_adopted_own", source=adoption)
    assert DutyEntry.objects.filter(member=author).count() == 1 and again.points == 1
    DutyRule.objects.create(
        organization=organization,
        key="opinion_adopted_own",
        kind="opinion_adopted",
        label="本级采用",
        points=3,
        cap_per_year=4,
    )
    second = drive(submit(title="第二条"), "sent")
    entry = DutyEntry.objects.get(
        pk=services.adoption_record(actor=staff, report=second, level=Level.OWN) and DutyEntry.objects.latest("id").pk
    )
    assert entry.points == 3 and entry.rule_points == 3  # 1 + 3 <= 4
    third = drive(submit(title="第三条"), "sent")
    services.adoption_record(actor=staff, report=third, level=Level.OWN)
    capped = DutyEntry.objects.latest("id")
    assert capped.points == 0 and capped.rule_points == 3


def test_report_from_proposal_links_back(organization, author, staff):
    class Proposal:  # the shape report_from_proposal reads; the proposals app passes its model instance
        pk = 42
        title = "关于优化公交线路的提案"
        body = "正文" * 10
        submitter = author
        number = "〔2026〕第0042号"

        def __init__(self):
            self.organization = organization
            self._meta = Report._meta  # stands in for any model's content type

        def get_absolute_url(self):
            return "/proposals/42/"

    report = services.report_from_proposal(actor=staff, proposal=Proposal())
    assert report.source_object_id == 42 and report.source_url == "/proposals/42/"
    assert "〔2026〕第0042号" in report.source_label
    assert report.state.key == "collected" and report.submitter == author


def test_simple_transition_refuses_record_producing_keys(submit, staff):
    report = submit()
    with pytest.raises(ValidationError):
        services.report_transition(actor=staff, report=report, key="adopt")


def test_member_cannot_take_staff_transitions(submit, author):
    report = submit()
    with pytest.raises(NotAllowed):
        services.report_transition(actor=author, report=report, key="take_up")


def test_future_adoption_date_is_refused(submit, drive, staff):
    report = drive(submit(), "sent")
    with pytest.raises(ValidationError):
        services.adoption_record(
            actor=staff, report=report, level="own", adopted_on=timezone.localdate() + timedelta(days=1)
        )


# instructions and adoptions: accepted once the report is out (sent up and/or forwarded, also after the replies)


def test_instruction_and_adoption_after_forwarding_and_the_bureaus_reply(
    submit, drive, staff, unit, officer, author, recipients
):
    report = drive(submit(), "issued")
    services.report_forward(actor=staff, report=report, units=[unit], note="请办理")
    forward = Forward.objects.get()
    services.forward_reply(actor=officer, forward=forward, text="已纳入明年计划。")
    report.refresh_from_db()
    # forwarded only: its own government's leaders may instruct; no adoption anywhere, nor higher instructions
    instruction = services.instruction_record(
        actor=staff, report=report, level=Level.OWN, leader_name="王某", leader_title="副市长", text="请抓紧落实。"
    )
    assert DutyEntry.objects.get(member=author).source == instruction
    with pytest.raises(ValidationError) as exc:
        services.instruction_record(actor=staff, report=report, level=Level.PROVINCIAL, leader_name="李某", text="阅")
    assert "未曾报送" in exc.value.message_dict["level"][0]
    with pytest.raises(ValidationError) as exc:
        services.adoption_record(actor=staff, report=report, level=Level.OWN)
    assert "未曾报送" in exc.value.message_dict["level"][0]
    # then sent up as well: adoption by the own level and the provincial conference
    services.report_send(actor=staff, report=report, recipients=[recipients[Level.OWN], recipients[Level.PROVINCIAL]])
    services.adoption_record(actor=staff, report=report, level=Level.OWN)
    services.adoption_record(actor=staff, report=report, level=Level.PROVINCIAL)
    services.instruction_record(actor=staff, report=report, level=Level.PROVINCIAL, leader_name="李某", text="阅")
    report.refresh_from_db()
    assert report.state.key == "sent"
    assert report.adoptions.count() == 2 and report.instructions.count() == 2


@pytest.mark.parametrize("state", ["approved", "issued", "closed", "archived"])
def test_instruction_and_adoption_refused_before_the_report_is_out_or_after_it_ended(submit, drive, staff, state):
    if state == "archived":
        report = drive(submit(), "sent")
        services.report_transition(actor=staff, report=report, key="archive")
    else:
        report = drive(submit(), state)
    with pytest.raises(ValidationError) as exc:
        services.instruction_record(actor=staff, report=report, level="own", leader_name="王某", text="阅")
    expected = "结束流程" if state in ("closed", "archived") else "报送或转办后"
    assert expected in exc.value.message_dict["text"][0]
    with pytest.raises(ValidationError) as exc:
        services.adoption_record(actor=staff, report=report, level="own")
    assert expected in exc.value.message_dict["level"][0]
    assert not Instruction.objects.exists() and not Adoption.objects.exists() and not DutyEntry.objects.exists()
