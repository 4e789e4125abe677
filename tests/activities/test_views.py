"""Pages of members' activities with the test client: the create form keeps what was typed, the member's actions,
staff decisions and attendance, the QR check-in page, the workbench sections and the menu entries."""

import datetime

import pytest
from django.utils import timezone

from tests.accounts.test_isolation import _verified_login
from tests.factories import make_user
from xieshang.accounts.models import Role
from xieshang.activities import selectors, services
from xieshang.activities.models import Activity, Participation
from xieshang.duties.models import DutyEntry

from .conftest import shift

pytestmark = pytest.mark.django_db
Status = Participation.Status


def _form(kind, **overrides):
    starts = timezone.localtime() + datetime.timedelta(days=5)
    data = {
        "kind": kind.pk,
        "title": "黄河滩区生态保护视察",
        "organizer_kind": "committee",
        "organizer_name": "人口资源环境委员会",
        "place": "惠济区",
        "starts_at": starts.strftime("%Y-%m-%dT09:00"),
        "ends_at": starts.strftime("%Y-%m-%dT12:00"),
        "signup_limit": "20",
        "description": "",
    }
    data.update(overrides)
    return data


def test_create_form_keeps_what_was_typed(client, staff, kind):
    _verified_login(client, staff)
    data = _form(kind, organizer_name="", ends_at=_form(kind)["starts_at"])
    response = client.post("/activities/new/", data)
    body = response.content.decode()
    assert response.status_code == 400
    assert "请填写组织方" in body and "结束时间应晚于开始时间" in body
    assert 'value="黄河滩区生态保护视察"' in body and 'value="惠济区"' in body
    assert not Activity.objects.exists()
    response = client.post("/activities/new/", _form(kind))
    activity = Activity.objects.get()
    assert response.status_code == 302 and response["Location"] == activity.get_absolute_url()
    assert timezone.localtime(activity.starts_at).hour == 9 and activity.signup_limit == 20


def test_members_cannot_create(client, member, kind):
    client.force_login(member)
    assert client.get("/activities/new/").status_code == 403
    assert client.post("/activities/new/", _form(kind)).status_code == 403


def test_staff_detail_invite_publish_and_decide(client, staff, organization, kind, member, member_b):
    from .conftest import make_activity

    activity = make_activity(staff, organization, kind)
    _verified_login(client, staff)
    response = client.post(
        f"/activities/{activity.pk}/invite/", {"members": [member.pk, member_b.pk], "part": "member"}
    )
    assert response.status_code == 302
    client.post(f"/activities/{activity.pk}/publish/")
    activity.refresh_from_db()
    assert activity.state == Activity.State.OPEN
    participation = selectors.participation_of(activity, member)
    services.participation_request_leave(actor=member, participation=participation, reason="出国访问")
    body = client.get(activity.get_absolute_url()).content.decode()
    assert "出国访问" in body and "准假" in body
    workbench = client.get("/workbench/").content.decode()
    assert "履职活动请假审批" in workbench and "出国访问" in workbench
    client.post(f"/activities/participations/{participation.pk}/decide/", {"approve": "1"})
    participation.refresh_from_db()
    assert participation.status == Status.LEAVE_APPROVED


def test_member_sees_only_his_activities_and_acts_on_his_participation(
    client, published, organization, member, member_b, staff, kind
):
    from .conftest import make_activity

    hidden = make_activity(staff, organization, kind, title="未邀请的活动")
    client.force_login(member)
    listing = client.get("/activities/").content.decode()
    assert published.title in listing and "未邀请的活动" not in listing
    assert client.get(hidden.get_absolute_url()).status_code == 404
    mine = client.get("/activities/mine/").content.decode()
    assert published.title in mine
    assert "履职活动" in client.get("/workbench/").content.decode()
    own = selectors.participation_of(published, member)
    other = selectors.participation_of(published, member_b)
    assert (
        client.post(f"/activities/participations/{own.pk}/signup/", {"back": "mine"})["Location"] == "/activities/mine/"
    )
    own.refresh_from_db()
    assert own.status == Status.SIGNED_UP
    assert client.post(f"/activities/participations/{other.pk}/signup/").status_code == 403
    assert client.post(f"/activities/participations/{own.pk}/decide/", {"approve": "1"}).status_code == 403


def test_leave_without_reason_is_refused_beside_the_field(client, published, member):
    client.force_login(member)
    own = selectors.participation_of(published, member)
    response = client.post(f"/activities/participations/{own.pk}/leave/", {"reason": ""})
    assert response.status_code == 400 and "请填写请假理由" in response.content.decode()
    shift(published, -datetime.timedelta(minutes=1))
    response = client.post(f"/activities/participations/{own.pk}/leave/", {"reason": "生病"})
    body = response.content.decode()
    assert response.status_code == 400 and "活动已开始，不能再请假" in body and "生病" in body


def test_checkin_page_outside_and_inside_the_window(client, published, member):
    token = services.checkin_token(published)
    client.force_login(member)
    response = client.post(f"/activities/checkin/{token}/")
    assert response.status_code == 400 and "现在不在签到时间内" in response.content.decode()
    shift(published, datetime.timedelta(minutes=30))
    assert "确认签到" in client.get(f"/activities/checkin/{token}/").content.decode()
    response = client.post(f"/activities/checkin/{token}/")
    assert response.status_code == 200 and "签到成功" in response.content.decode()
    assert "签到成功" in client.get(f"/activities/checkin/{token}/").content.decode()
    assert DutyEntry.objects.filter(member=member).count() == 1
    assert client.get("/activities/checkin/bad-code/").status_code == 400


def test_checkin_page_says_when_the_window_opens_and_offers_no_button_before(client, published, member):
    token = services.checkin_token(published)
    opens = services.checkin_window(published).opens
    client.force_login(member)
    response = client.get(f"/activities/checkin/{token}/")
    body = response.content.decode()
    assert response.status_code == 200 and 'data-testid="checkin-closed"' in body
    assert "签到将于 " + timezone.localtime(opens).strftime("%Y-%m-%d %H:%M") + " 开始" in body
    assert "确认签到" not in body
    shift(published, -datetime.timedelta(days=2))  # long over
    body = client.get(f"/activities/checkin/{token}/").content.decode()
    assert "签到已于" in body and "确认签到" not in body
    assert not DutyEntry.objects.exists()


def test_staff_record_attendance_and_see_the_qr(client, published, staff, member):
    _verified_login(client, staff)
    assert client.get(f"/activities/{published.pk}/checkin-code/").status_code == 200
    own = selectors.participation_of(published, member)
    client.post(f"/activities/participations/{own.pk}/attendance/", {"attended": "1"})
    assert not DutyEntry.objects.exists()  # three days ahead: refused, with a message
    shift(published, -datetime.timedelta(hours=1))
    client.post(f"/activities/participations/{own.pk}/attendance/", {"attended": "1"})
    own.refresh_from_db()
    assert own.status == Status.ATTENDED and own.recorded_by == staff
    assert "赵工作 登记" in client.get(published.get_absolute_url()).content.decode()


def test_menu_entries(client, staff, member, organization):
    citizen = make_user(Role.CITIZEN, organization)
    _verified_login(client, staff)
    assert 'href="/activities/"' in client.get("/workbench/").content.decode()
    client.force_login(member)
    assert 'href="/activities/mine/"' in client.get("/workbench/").content.decode()
    client.force_login(citizen)
    body = client.get("/workbench/").content.decode()
    assert 'href="/activities/"' not in body and 'href="/activities/mine/"' not in body


def test_english_pages(client, published, member):
    client.force_login(member)
    client.post("/core/prefs/", {"language": "en", "next": "/workbench/"})
    body = client.get("/activities/mine/").content.decode()
    assert "My duty activities" in body and "Sign up" in body
    assert "No duty activities ahead" not in client.get("/workbench/").content.decode()  # one is ahead
    body = client.get(published.get_absolute_url()).content.decode()
    assert "My participation" in body and "Ask for leave" in body


def _count(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # the first request of a session does a little extra (session, caches)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_list_pages_take_a_constant_number_of_queries(client, staff, organization, kind, member):
    from .conftest import make_activity

    def add(n):
        for i in range(n):
            activity = make_activity(staff, organization, kind, title=f"活动{i}")
            services.activity_invite(actor=staff, activity=activity, members=[member])
            services.activity_publish(actor=staff, activity=activity)

    add(9)  # more than a workbench section shows (8): each full section reads its COUNT from the start
    _verified_login(client, staff)
    staff_counts = [_count(client, "/activities/"), _count(client, "/workbench/")]
    client.force_login(member)
    member_counts = [_count(client, "/activities/"), _count(client, "/activities/mine/"), _count(client, "/workbench/")]
    add(6)
    client.force_login(member)
    assert [_count(client, "/activities/"), _count(client, "/activities/mine/"), _count(client, "/workbench/")] == (
        member_counts
    )
    _verified_login(client, staff)
    assert [_count(client, "/activities/"), _count(client, "/workbench/")] == staff_counts
