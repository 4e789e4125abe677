"""Check-in (QR) and live posts are accepted only in the window around the meeting (issue #11, item 4): from an hour
before the start until the meeting ends by default, as the organization's copy of the workflow sets it; a refusal
says when the window opens, in both languages; the duty record is dated at the meeting, not at the check-in."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from xieshang.consultations import services
from xieshang.consultations.models import Invitation, LiveMessage
from xieshang.core.windows import when
from xieshang.duties.models import DutyEntry
from xieshang.workflow.definitions import copy_workflow

from .conftest import advance, starting_in


@pytest.fixture
def approved(consultation, staff, leader, member):
    services.invite(actor=staff, consultation=consultation, users=[member])
    return advance({"propose": staff, "approve": staff}, consultation, "propose", "approve")


def _check_in(consultation, member):
    return services.check_in(actor=member, token=services.checkin_token(consultation))


def test_check_in_forty_days_early_is_refused_saying_when_it_opens(approved, member):
    starting_in(approved, 40 * 24 * 60)
    with pytest.raises(ValidationError, match="现在不在签到时间内：签到将于") as exc:
        _check_in(approved, member)
    assert when(approved.starts_at - datetime.timedelta(minutes=60)) in str(exc.value)
    assert not Invitation.objects.filter(user=member, checked_in_at__isnull=False).exists()
    assert not DutyEntry.objects.filter(member=member).exists()


def test_live_post_forty_days_early_is_refused(approved, member):
    starting_in(approved, 40 * 24 * 60)
    with pytest.raises(ValidationError, match="现场发言和提问将于"):
        services.live_post(actor=member, consultation=approved, text="提前发言")
    assert not LiveMessage.objects.exists()


def test_default_window_opens_an_hour_before_and_closes_when_the_meeting_ends(approved, member, staff):
    with pytest.raises(ValidationError, match="签到将于"):
        _check_in(starting_in(approved, 61), member)
    # Three hours after the start (the meeting's default length) it has closed, for check-in and live posts.
    with pytest.raises(ValidationError, match="签到已于"):
        _check_in(starting_in(approved, -181), member)
    with pytest.raises(ValidationError, match="现场发言和提问已于"):
        services.live_post(actor=staff, consultation=approved, text="会后发言")
    assert _check_in(starting_in(approved, 59), member).checked_in_at is not None
    assert services.live_post(actor=member, consultation=starting_in(approved, -179), text="会中发言").pk


def test_the_window_is_the_organizations_setting(organization, staff, leader, member, future):
    own = copy_workflow(actor=staff, key="consultation", organization=organization)
    own.settings = {**own.settings, "checkin_before_minutes": 120, "meeting_minutes": 60}
    own.save()
    c = services.consultation_create(
        actor=staff, organization=organization, kind="round_table", title="本组织设置", planned_date=future, venue="x"
    )
    services.invite(actor=staff, consultation=c, users=[member])
    c = advance({"propose": staff, "approve": staff}, c, "propose", "approve")
    assert c.workflow_id == own.pk
    assert _check_in(starting_in(c, 90), member).checked_in_at is not None
    with pytest.raises(ValidationError, match="现场发言和提问已于"):
        services.live_post(actor=member, consultation=starting_in(c, -61), text="会后")


def test_without_a_start_time_the_planned_day_is_the_window(approved, member):
    today = timezone.localdate()
    type(approved).objects.filter(pk=approved.pk).update(planned_date=today + datetime.timedelta(days=1))
    approved.planned_date = today + datetime.timedelta(days=1)
    with pytest.raises(ValidationError, match="签到将于"):
        _check_in(approved, member)
    type(approved).objects.filter(pk=approved.pk).update(planned_date=today)
    approved.planned_date = today
    assert _check_in(approved, member).checked_in_at is not None


def test_points_are_dated_at_the_meeting_not_the_check_in(approved, member, monkeypatch):
    # A meeting at 00:20 checked in at 23:40 the evening before: the record names the meeting's day.
    day = timezone.localdate() + datetime.timedelta(days=3)
    starts_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(0, 20)))
    type(approved).objects.filter(pk=approved.pk).update(starts_at=starts_at, planned_date=day)
    approved.starts_at, approved.planned_date = starts_at, day
    monkeypatch.setattr(timezone, "now", lambda: starts_at - datetime.timedelta(minutes=40))
    invitation = _check_in(approved, member)
    assert timezone.localdate(invitation.checked_in_at) == day - datetime.timedelta(days=1)
    entry = DutyEntry.objects.get(member=member, rule_key="consultation_attendance")
    assert entry.occurred_on == day


def test_the_refusal_in_english(approved, member):
    starting_in(approved, 40 * 24 * 60)
    with translation.override("en"):
        with pytest.raises(ValidationError) as exc:
            _check_in(approved, member)
        assert "Check-in opens at" in str(exc.value)
        assert "Live statements and questions open at" in services.live_refusal(approved)


def test_start_time_must_fall_on_the_planned_date(organization, staff, future):
    with pytest.raises(ValidationError) as exc:
        services.consultation_create(
            actor=staff,
            organization=organization,
            kind="round_table",
            title="时间不符",
            planned_date=future,
            venue="x",
            starts_at=timezone.make_aware(datetime.datetime.combine(future, datetime.time(9))) - datetime.timedelta(1),
        )
    assert "starts_at" in exc.value.error_dict


def test_checkin_page_says_when_it_opens_and_offers_no_button(client, approved, member):
    starting_in(approved, 40 * 24 * 60)
    client.force_login(member)
    token = services.checkin_token(approved)
    html = client.get(f"/consultations/checkin/{token}/").content.decode()
    assert 'data-testid="checkin-closed"' in html and "签到将于" in html and "确认签到" not in html
    response = client.post(f"/consultations/checkin/{token}/")
    assert response.status_code == 400 and "签到将于" in response.content.decode()
    starting_in(approved, 30)
    assert "确认签到" in client.get(f"/consultations/checkin/{token}/").content.decode()
