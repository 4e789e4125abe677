"""Services of the sessions app (#13): invitations by kind, the check-in window, leave refused after the opening,
absence recorded at the close (idempotent, the duty rules' penalty), speeches and their credit, vote counts checked
against the members present, proposals tied to the session in whose window they were submitted, and the visibility
spec's three readings."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.factories import make_user
from xieshang.accounts.models import Role
from xieshang.assemblies import selectors, services
from xieshang.assemblies.models import Attendance, Session, Speech
from xieshang.duties.models import DutyEntry
from xieshang.notifications.models import Notification

from .conftest import make_session, shift

pytestmark = pytest.mark.django_db
Status = Attendance.Status


def _attendance(session, user):
    return Attendance.objects.select_related("session", "member").get(session=session, member=user)


def test_only_committee_staff_create(organization, member):
    with pytest.raises(PermissionDenied):
        make_session(member, organization)


def test_create_refuses_bad_fields_and_a_second_session_with_the_same_number(staff, organization):
    make_session(staff, organization)
    with pytest.raises(ValidationError) as refused:
        make_session(
            staff,
            organization,
            title="",
            proposals_from=datetime.date(2027, 1, 10),
            proposals_until=datetime.date(2027, 1, 5),
        )
    errors = refused.value.message_dict
    assert set(errors) == {"number", "title", "proposals_until"}
    assert Session.objects.count() == 1
    # The same number for the other kind of meeting is another meeting.
    make_session(staff, organization, kind=Session.Kind.STANDING)


def test_plenary_invites_every_member_standing_meeting_only_standing_members(
    staff, organization, member, member_b, standing
):
    citizen = make_user(Role.CITIZEN, organization)
    plenary = services.session_publish(actor=staff, session=make_session(staff, organization))
    invited = set(plenary.attendances.values_list("member_id", flat=True))
    assert invited == {member.pk, member_b.pk, standing.pk} and citizen.pk not in invited
    notice = Notification.objects.get(recipient=member)
    assert "第五次会议" in notice.title and notice.url == plenary.get_absolute_url()
    meeting = make_session(staff, organization, kind=Session.Kind.STANDING, title="常委会第十次会议", number=10)
    services.session_publish(actor=staff, session=meeting)
    assert set(meeting.attendances.values_list("member_id", flat=True)) == {standing.pk}
    # Inviting again adds only members who joined since.
    late = make_user(Role.MEMBER, organization)
    assert [a.member_id for a in services.session_invite(actor=staff, session=plenary)] == [late.pk]
    assert services.session_invite(actor=staff, session=plenary) == []


def test_planned_session_is_hidden_from_members(staff, organization, member):
    session = make_session(staff, organization)
    services.session_invite(actor=staff, session=session)
    assert not selectors.sessions_for_user(member, organization).exists()
    services.session_publish(actor=staff, session=session)
    assert selectors.sessions_for_user(member, organization).count() == 1


def test_visibility_agrees_three_ways(staff, organization, other_organization, published, member):
    from xieshang.accounts.visibility import agree
    from xieshang.assemblies.visibility import SESSION

    leader = make_user(Role.LEADER, organization)
    citizen = make_user(Role.CITIZEN, organization)
    foreign_staff = make_user(Role.COMMITTEE_STAFF, other_organization)
    foreign_member = make_user(Role.MEMBER, other_organization)
    cases = ((staff, True), (leader, True), (member, True), (citizen, False), (foreign_staff, False))
    for user, expected in (*cases, (foreign_member, False)):
        assert agree(SESSION, user, published, Session.objects.all()) == (expected,) * 3, user
    planned = make_session(staff, organization, number=6)
    services.session_invite(actor=staff, session=planned)
    for user, expected in ((staff, True), (member, False)):
        assert agree(SESSION, user, planned, Session.objects.all()) == (expected,) * 3


def test_check_in_only_inside_the_window_and_credited_once_at_the_meeting_date(staff, published, member):
    token = services.checkin_token(published)
    with pytest.raises(ValidationError, match="不在签到时间内"):
        services.attendance_check_in(actor=member, token=token)  # three days early
    assert _attendance(published, member).status == Status.INVITED
    # The window comes from the session: 60 minutes before to 120 after the opening by default.
    opens, closes = services.checkin_window(published)
    assert (published.starts_at - opens, closes - published.starts_at) == (
        datetime.timedelta(minutes=60),
        datetime.timedelta(minutes=120),
    )
    shift(published, datetime.timedelta(minutes=-119))
    attendance = services.attendance_check_in(actor=member, token=token)
    assert attendance.status == Status.ATTENDED and attendance.checked_in_at is not None
    services.attendance_check_in(actor=member, token=token)  # again: nothing more
    entry = DutyEntry.objects.get(member=member)
    assert entry.rule_key == "session_attend" and entry.points == 5
    assert entry.occurred_on == published.occurred_on
    shift(published, datetime.timedelta(minutes=-121))
    with pytest.raises(ValidationError, match="不在签到时间内"):
        services.attendance_check_in(actor=make_invited(published), token=token)


def make_invited(session):
    user = make_user(Role.MEMBER, session.organization)
    Attendance.objects.create(session=session, organization_id=session.organization_id, member=user)
    return user


def test_check_in_refuses_a_forged_code_and_the_uninvited(published, organization):
    with pytest.raises(ValidationError, match="签到码无效"):
        services.checkin_session("forged:code")
    shift(published, datetime.timedelta(minutes=-5))
    with pytest.raises(ValidationError, match="不在本次会议的出席名单中"):
        services.attendance_check_in(
            actor=make_user(Role.CITIZEN, organization), token=services.checkin_token(published)
        )


def test_leave_before_the_opening_decided_by_staff_refused_after_it(staff, published, member, member_b):
    attendance = _attendance(published, member)
    with pytest.raises(ValidationError) as refused:
        services.attendance_request_leave(actor=member, attendance=attendance, reason="  ")
    assert "reason" in refused.value.message_dict
    services.attendance_request_leave(actor=member, attendance=attendance, reason="赴京参加全国会议")
    assert selectors.leave_requests(published.organization).get() == attendance
    with pytest.raises(PermissionDenied):
        services.attendance_decide_leave(actor=member_b, attendance=attendance, approve=True)
    services.attendance_decide_leave(actor=staff, attendance=attendance, approve=True)
    attendance.refresh_from_db()
    assert attendance.status == Status.LEAVE_APPROVED and attendance.leave_decided_by == staff

    shift(published, datetime.timedelta(minutes=-1))
    other = _attendance(published, member_b)
    with pytest.raises(ValidationError, match="不能再请假"):
        services.attendance_request_leave(actor=member_b, attendance=other, reason="临时出差")
    other.refresh_from_db()
    assert other.status == Status.INVITED and other.leave_reason == ""


FIGURE_KEYS = ("sessions_held", "session_attendances", "session_absences")


def test_close_records_absence_once_with_the_penalty(staff, published, member, member_b, standing):
    services.attendance_request_leave(actor=member, attendance=_attendance(published, member), reason="出国访问")
    services.attendance_decide_leave(actor=staff, attendance=_attendance(published, member), approve=True)
    services.attendance_request_leave(actor=standing, attendance=_attendance(published, standing), reason="家中有事")
    shift(published, datetime.timedelta(minutes=-10))
    with pytest.raises(ValidationError, match="请假待审批"):
        services.session_close(actor=staff, session=published)
    services.attendance_decide_leave(actor=staff, attendance=_attendance(published, standing), approve=False)
    services.attendance_record(actor=staff, attendance=_attendance(published, member_b), attended=True)
    services.session_close(actor=staff, session=published)

    assert _attendance(published, standing).status == Status.ABSENT  # refused leave: unexcused
    assert _attendance(published, member).status == Status.LEAVE_APPROVED
    penalty = DutyEntry.objects.get(member=standing)
    assert penalty.rule_key == "session_absent" and penalty.points == -30
    assert penalty.occurred_on == published.occurred_on
    assert not DutyEntry.objects.filter(member=member).exists()  # excused
    assert DutyEntry.objects.get(member=member_b).rule_key == "session_attend"
    # Idempotent: closing again is refused, recording absences again credits nothing more.
    with pytest.raises(ValidationError):
        services.session_close(actor=staff, session=published)
    assert services.absences_record(actor=staff, session=published) == 1
    assert DutyEntry.objects.filter(member=standing).count() == 1
    # The work report counts the same records (statistics face).
    from xieshang.core import figures

    day = published.occurred_on
    counted = {k: figures.get(k).value(published.organization_id, day, day) for k in FIGURE_KEYS}
    assert counted == {"sessions_held": 1, "session_attendances": 1, "session_absences": 1}


def test_speech_submitted_selected_delivered_and_credited(staff, published, member, member_b):
    shift(published, datetime.timedelta(hours=1))
    with pytest.raises(ValidationError) as refused:
        services.speech_submit(actor=member, session=published, title="", text="x" * 5001)
    assert set(refused.value.message_dict) == {"title", "text"}
    speech = services.speech_submit(
        actor=member, session=published, title="推动黄河流域生态保护", text="建议建立流域生态补偿机制。"
    )
    assert DutyEntry.objects.get(member=member).rule_key == "session_speech_submitted"
    again = services.speech_submit(
        actor=member, session=published, title="推动黄河流域生态保护", text="建议建立流域生态补偿机制。"
    )
    assert again == speech and published.speeches.count() == 1  # a repeated post is the same speech
    outsider = make_user(Role.CITIZEN, published.organization)
    with pytest.raises(PermissionDenied):
        services.speech_submit(actor=outsider, session=published, title="题目", text="内容")
    with pytest.raises(ValidationError, match="尚未开幕"):
        services.speech_deliver(actor=staff, speech=speech)
    shift(published, datetime.timedelta(minutes=-5))  # the same day, now under way
    with pytest.raises(ValidationError, match="安排口头发言"):
        services.speech_deliver(actor=staff, speech=speech)
    with pytest.raises(PermissionDenied):
        services.speech_select(actor=member_b, speech=speech, selected=True)
    services.speech_select(actor=staff, speech=speech, selected=True)
    services.speech_deliver(actor=staff, speech=speech)
    services.speech_deliver(actor=staff, speech=speech)  # again: nothing more
    assert speech.status == Speech.Status.DELIVERED
    keys = sorted(DutyEntry.objects.filter(member=member).values_list("rule_key", flat=True))
    assert keys == ["session_speech_delivered", "session_speech_submitted"]
    # Dated at the meeting's opening day (the test moved it between the two credits, across midnight at worst).
    delivered = DutyEntry.objects.get(member=member, rule_key="session_speech_delivered")
    assert delivered.occurred_on == published.occurred_on
    from xieshang.core import figures

    day = published.occurred_on
    assert figures.get("session_speeches").value(published.organization_id, day, day) == 1
    assert figures.get("session_speeches_delivered").value(published.organization_id, day, day) == 1
    with pytest.raises(ValidationError):
        services.speech_select(actor=staff, speech=speech, selected=False)


def test_vote_counts_cannot_exceed_those_present(staff, published):
    shift(published, datetime.timedelta(minutes=-30))
    base = {"actor": staff, "session": published, "method": "hands", "title": "关于常委会工作报告的决议"}
    with pytest.raises(ValidationError) as refused:
        services.vote_record(**base, kind="resolution", present=4)  # 3 members invited
    assert "present" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.vote_record(**base, kind="resolution", present=3, votes_for=2, votes_against=1, abstentions=1)
    assert "abstentions" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.vote_record(**base, kind="election", present=3, candidates=[("张三", 3), ("李四", 4)])
    assert "李四" in refused.value.message_dict["candidates"][0]
    assert not published.votes.exists()
    vote = services.vote_record(**base, kind="resolution", present=3, votes_for=2, votes_against=0, abstentions=1)
    assert (vote.members, vote.present, vote.needed, vote.passed) == (3, 3, 2, True)
    with pytest.raises(ValidationError, match="已登记"):  # a repeated post records nothing more
        services.vote_record(**base, kind="resolution", present=3, votes_for=2, votes_against=0, abstentions=1)
    assert published.votes.count() == 1
    election = services.vote_record(
        **{**base, "method": "ballot", "title": "增选常委"},
        kind="election",
        present=3,
        candidates=[("张三", 2), ("李四", 1)],
    )
    assert [(c.name, c.votes, c.elected) for c in election.candidates.all()] == [("张三", 2, True), ("李四", 1, False)]


def test_vote_refused_before_the_opening_and_to_members(staff, published, member):
    with pytest.raises(ValidationError, match="尚未开幕"):
        services.vote_record(
            actor=staff,
            session=published,
            kind="resolution",
            method="hands",
            title="决议",
            present=1,
            votes_for=1,
            votes_against=0,
            abstentions=0,
        )
    shift(published, datetime.timedelta(minutes=-5))
    with pytest.raises(PermissionDenied):
        services.vote_record(
            actor=member,
            session=published,
            kind="resolution",
            method="hands",
            title="决议",
            present=1,
            votes_for=1,
            votes_against=0,
            abstentions=0,
        )


def test_proposals_submitted_in_the_window_belong_to_the_session(organization, staff, member, member_b):
    from xieshang.proposals import services as proposals

    today = timezone.localdate()
    session = make_session(
        staff,
        organization,
        proposals_from=today - datetime.timedelta(days=1),
        proposals_until=today + datetime.timedelta(days=1),
    )
    draft = proposals.proposal_create(
        actor=member, organization=organization, title="关于加快老旧小区改造的建议", body="老旧小区管网老化。" * 5
    )
    proposals.proposal_submit(actor=member, proposal=draft)  # the session is still being planned: not tied
    draft.refresh_from_db()
    assert draft.session_id is None
    services.session_publish(actor=staff, session=session)
    tied = proposals.proposal_create(
        actor=member_b, organization=organization, title="关于完善社区养老服务的建议", body="社区养老服务不足。" * 5
    )
    proposals.proposal_submit(actor=member_b, proposal=tied)
    tied.refresh_from_db()
    assert tied.session_id == session.pk
    assert list(selectors.proposals_of(session, staff)) == []  # committee staff do not oversee proposals
    assert list(selectors.proposals_of(session, member_b)) == [tied]  # the member sees his own
    assert list(selectors.proposals_of(session, member)) == []
