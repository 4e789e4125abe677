"""Services of members' activities: the kinds seeded as data, invitations and notices, the sign-up limit, leave
before the start only, check-in inside the kind's window, idempotent credit dated at the activity."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.factories import make_user
from xieshang.accounts.models import Role
from xieshang.activities import selectors, services
from xieshang.activities.models import Activity, ActivityKind, Participation
from xieshang.duties.models import DutyEntry, DutyRule
from xieshang.notifications.models import Notification

from .conftest import make_activity, shift

Status = Participation.Status
pytestmark = pytest.mark.django_db


def test_default_kinds_and_their_rules_are_seeded():
    names = set(ActivityKind.objects.filter(organization=None).values_list("name", flat=True))
    assert {
        "视察",
        "调研",
        "督导",
        "现场推进会",
        "学习培训",
        "读书活动",
        "委员进社区",
        "委员工作室接待",
        "界别活动",
        "公益",
        "专班",
    } <= names
    for kind in ActivityKind.objects.filter(organization=None):
        assert DutyRule.objects.filter(organization=None, key=kind.attendance_rule_key).exists()
        assert DutyRule.objects.filter(organization=None, key=kind.leader_rule_key).exists()
    charity = ActivityKind.objects.get(organization=None, key="charity")
    assert charity.uses_donation and charity.uses_volunteer


def test_an_organization_overrides_a_kind(organization, other_organization):
    ActivityKind.objects.create(
        organization=organization, key="reading", name="学史明理读书沙龙", attendance_rule_key="activity_reading"
    )
    ours = {k.key: k.name for k in selectors.kinds_for(organization)}
    theirs = {k.key: k.name for k in selectors.kinds_for(other_organization)}
    assert ours["reading"] == "学史明理读书沙龙" and theirs["reading"] == "读书活动"
    assert len(ours) == len(theirs)


def test_create_refuses_bad_input_by_field(staff, organization, kind):
    with pytest.raises(ValidationError) as exc:
        make_activity(staff, organization, kind, title=" ", signup_limit=0, ends_at=timezone.now())
    assert set(exc.value.message_dict) == {"title", "signup_limit", "ends_at"}
    assert not Activity.objects.exists()


def test_only_committee_staff_create(organization, member, kind):
    with pytest.raises(PermissionDenied):
        make_activity(member, organization, kind)


def test_invite_only_members_and_publish_notifies(staff, organization, kind, member):
    activity = make_activity(staff, organization, kind)
    outsider = make_user(Role.CITIZEN, organization)
    with pytest.raises(ValidationError):
        services.activity_invite(actor=staff, activity=activity, members=[member, outsider])
    services.activity_invite(actor=staff, activity=activity, members=[member])
    assert not Notification.objects.filter(recipient=member).exists()  # still being planned: no notice yet
    services.activity_publish(actor=staff, activity=activity)
    notice = Notification.objects.get(recipient=member)
    assert "城市内涝治理专题调研" in notice.title and notice.url == activity.get_absolute_url()
    # invited again: no second participation
    assert services.activity_invite(actor=staff, activity=activity, members=[member]) == []


def test_planned_activity_is_hidden_from_the_invited(staff, organization, kind, member):
    activity = make_activity(staff, organization, kind)
    services.activity_invite(actor=staff, activity=activity, members=[member])
    assert not selectors.activities_for_user(member, organization).exists()
    assert selectors.activities_for_user(staff, organization).count() == 1
    services.activity_publish(actor=staff, activity=activity)
    assert selectors.activities_for_user(member, organization).count() == 1


def test_visibility_agrees_three_ways(staff, organization, other_organization, kind, published, member):
    from xieshang.accounts.visibility import agree
    from xieshang.activities.visibility import ACTIVITY

    stranger = make_user(Role.MEMBER, organization)
    foreign_staff = make_user(Role.COMMITTEE_STAFF, other_organization)
    for user, expected in ((staff, True), (member, True), (stranger, False), (foreign_staff, False)):
        assert agree(ACTIVITY, user, published, Activity.objects.all()) == (expected,) * 3


def test_sign_up_limit(staff, organization, kind, member, member_b):
    activity = make_activity(staff, organization, kind, signup_limit=1)
    services.activity_invite(actor=staff, activity=activity, members=[member, member_b])
    services.activity_publish(actor=staff, activity=activity)
    first = selectors.participation_of(activity, member)
    services.participation_sign_up(actor=member, participation=first)
    services.participation_sign_up(actor=member, participation=first)  # idempotent
    with pytest.raises(ValidationError, match="报名人数已满"):
        services.participation_sign_up(actor=member_b, participation=selectors.participation_of(activity, member_b))
    assert selectors.places_taken(activity) == 1


def test_a_member_signs_up_only_for_himself(published, member, member_b):
    with pytest.raises(PermissionDenied):
        services.participation_sign_up(actor=member_b, participation=selectors.participation_of(published, member))


def test_leave_needs_a_reason_and_staff_approval(published, staff, member):
    participation = selectors.participation_of(published, member)
    with pytest.raises(ValidationError) as exc:
        services.participation_request_leave(actor=member, participation=participation, reason="  ")
    assert "reason" in exc.value.message_dict
    services.participation_request_leave(actor=member, participation=participation, reason="出差")
    assert list(selectors.leave_requests(published.organization)) == [participation]
    told = Notification.objects.get(recipient=staff, kind="activities.leave_requested")
    assert told.body == "出差" and told.url == published.get_absolute_url()
    with pytest.raises(PermissionDenied):
        services.participation_decide_leave(actor=member, participation=participation, approve=True)
    services.participation_decide_leave(actor=staff, participation=participation, approve=True)
    participation.refresh_from_db()
    assert participation.status == Status.LEAVE_APPROVED and participation.leave_decided_by == staff
    assert Notification.objects.filter(recipient=member, title__startswith="请假已批准").exists()
    with pytest.raises(ValidationError, match="没有待审批"):
        services.participation_decide_leave(actor=staff, participation=participation, approve=False)


def test_leave_after_the_start_is_refused(published, member):
    shift(published, -datetime.timedelta(minutes=5))
    participation = selectors.participation_of(published, member)
    with pytest.raises(ValidationError, match="活动已开始，不能再请假"):
        services.participation_request_leave(actor=member, participation=participation, reason="临时有事")
    participation.refresh_from_db()
    assert participation.status == Status.INVITED


def test_check_in_outside_the_window_says_when(published, member):
    token = services.checkin_token(published)  # starts in three days
    with pytest.raises(ValidationError, match="现在不在签到时间内") as exc:
        services.participation_check_in(actor=member, token=token)
    opens = timezone.localtime(published.starts_at - datetime.timedelta(minutes=60)).strftime("%Y-%m-%d %H:%M")
    assert opens in str(exc.value)
    shift(published, -datetime.timedelta(minutes=121))  # the research kind's window closes 120 minutes after
    with pytest.raises(ValidationError, match="现在不在签到时间内"):
        services.participation_check_in(actor=member, token=token)
    assert not DutyEntry.objects.exists()


def test_check_in_credits_once_dated_at_the_activity(published, member):
    # Starting in 50 minutes, just before midnight of the activity's day is irrelevant: the date is the start's.
    shift(published, datetime.timedelta(minutes=50))
    token = services.checkin_token(published)
    participation = services.participation_check_in(actor=member, token=token)
    assert participation.status == Status.ATTENDED and participation.checked_in_at is not None
    services.participation_check_in(actor=member, token=token)
    entry = DutyEntry.objects.get(member=member)
    assert entry.rule_key == "activity_research" and entry.points == Decimal(2)
    assert entry.occurred_on == timezone.localdate(published.starts_at)
    assert entry.source_url == published.get_absolute_url()


def test_credit_is_dated_at_the_activity_not_the_recording_day(published, staff, member):
    shift(published, -datetime.timedelta(days=10))  # staff record attendance ten days later
    participation = selectors.participation_of(published, member)
    services.attendance_record(actor=staff, participation=participation, attended=True)
    services.attendance_record(actor=staff, participation=participation, attended=True)
    entry = DutyEntry.objects.get(member=member)
    assert entry.occurred_on == timezone.localdate() - datetime.timedelta(days=10)
    participation.refresh_from_db()
    assert participation.recorded_by == staff and participation.checked_in_at is None
    with pytest.raises(ValidationError, match="不能改为缺席"):
        services.attendance_record(actor=staff, participation=participation, attended=False)


def test_leader_earns_the_leader_rule_too(staff, organization, kind, published, member):
    services.activity_invite(actor=staff, activity=published, members=[member], part=Participation.Part.LEADER)
    shift(published, datetime.timedelta(minutes=10))
    services.participation_check_in(actor=member, token=services.checkin_token(published))
    assert set(DutyEntry.objects.filter(member=member).values_list("rule_key", flat=True)) == {
        "activity_research",
        "activity_research_lead",
    }


def test_foreign_code_and_uninvited_member(published, organization):
    stranger = make_user(Role.MEMBER, organization)
    with pytest.raises(ValidationError, match="签到码无效"):
        services.participation_check_in(actor=stranger, token="1:forged")
    with pytest.raises(ValidationError, match="不在本次活动的邀请名单"):
        services.participation_check_in(actor=stranger, token=services.checkin_token(published))


def test_mark_held_records_no_shows_absent(published, staff, member, member_b):
    services.participation_request_leave(
        actor=member_b, participation=selectors.participation_of(published, member_b), reason="住院"
    )
    services.participation_decide_leave(
        actor=staff, participation=selectors.participation_of(published, member_b), approve=True
    )
    with pytest.raises(ValidationError, match="尚未开始"):
        services.activity_mark_held(actor=staff, activity=published)
    shift(published, -datetime.timedelta(hours=4))
    services.activity_mark_held(actor=staff, activity=published)
    assert selectors.participation_of(published, member).status == Status.ABSENT
    assert selectors.participation_of(published, member_b).status == Status.LEAVE_APPROVED
    # a late paper sign-in sheet: staff still record the attendance
    services.attendance_record(actor=staff, participation=selectors.participation_of(published, member), attended=True)
    assert DutyEntry.objects.filter(member=member).count() == 1
    services.activity_close(actor=staff, activity=published)
    assert published.state == Activity.State.CLOSED


def test_amounts_only_where_the_kind_uses_them(staff, organization, member):
    charity = ActivityKind.objects.get(organization=None, key="charity")
    activity = make_activity(staff, organization, charity, title="爱心捐赠")
    services.activity_invite(actor=staff, activity=activity, members=[member])
    participation = selectors.participation_of(activity, member)
    services.amounts_record(
        actor=staff, participation=participation, donation_money=Decimal("5000"), volunteer_hours=Decimal("4.5")
    )
    participation.refresh_from_db()
    assert participation.donation_money == Decimal("5000") and participation.volunteer_hours == Decimal("4.5")
    research = make_activity(staff, organization, ActivityKind.objects.get(organization=None, key="research"))
    services.activity_invite(actor=staff, activity=research, members=[member])
    with pytest.raises(ValidationError) as exc:
        services.amounts_record(
            actor=staff, participation=selectors.participation_of(research, member), donation_money=Decimal(1)
        )
    assert "donation_money" in exc.value.message_dict


def test_outputs(published, staff, member):
    from xieshang.activities.models import ActivityOutput

    services.output_add(actor=staff, activity=published, kind="report", title="调研报告", text="内涝点 12 处")
    with pytest.raises(ValidationError) as exc:
        services.output_add(actor=staff, activity=published, kind="photo", title="现场")
    assert "file" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.output_add(actor=staff, activity=published, kind="link", title="相关提案", linked=member)
    assert "linked" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.output_add(actor=member, activity=published, kind="finding", title="问题", text="x")
    with pytest.raises(ValidationError) as exc:
        services.output_add(actor=staff, activity=published, kind="recommendation", title="建议", text="疏通管网")
    assert "addressed_to" in exc.value.message_dict
    services.output_add(
        actor=staff,
        activity=published,
        kind="recommendation",
        title="建议",
        text="疏通管网",
        addressed_to="市城管局",
    )
    assert list(ActivityOutput.objects.values_list("kind", "addressed_to")) == [
        ("report", ""),
        ("recommendation", "市城管局"),
    ]


def test_cancel_notifies_the_invited(published, staff, member):
    with pytest.raises(ValidationError):
        services.activity_cancel(actor=staff, activity=published, reason="")
    services.activity_cancel(actor=staff, activity=published, reason="暴雨预警")
    assert Notification.objects.filter(recipient=member, title__startswith="履职活动取消").exists()
    with pytest.raises(ValidationError, match="不能报名"):
        services.participation_sign_up(actor=member, participation=selectors.participation_of(published, member))


def test_kinds_are_configured_by_the_system_administrator(organization, member, staff):
    import rules

    admin = make_user(Role.SYSTEM_ADMIN, organization)
    assert rules.has_perm("activities.change_activitykind", admin)
    assert not rules.has_perm("activities.change_activitykind", staff)
    assert not rules.has_perm("activities.change_activitykind", member)
