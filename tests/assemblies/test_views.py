"""Pages of sessions with the test client: the create form keeps what was typed, members see only their sessions and
act on their own attendance, staff decide leave from the page and the workbench, documents are downloaded by those
who see the session, a refused vote keeps what was typed, the session page lists its proposals, and the query count
of the session page does not grow with the members invited."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.accounts.test_isolation import _verified_login
from tests.factories import make_user
from xieshang.accounts.models import Role
from xieshang.assemblies import selectors, services
from xieshang.assemblies.models import Attendance, Session

from .conftest import make_session, shift

pytestmark = pytest.mark.django_db
Status = Attendance.Status
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _form(**overrides):
    starts = timezone.localtime() + datetime.timedelta(days=30)
    data = {
        "kind": "plenary",
        "term": "14",
        "number": "5",
        "title": "政协第十四届委员会第五次会议",
        "place": "市会议中心",
        "starts_at": starts.strftime("%Y-%m-%dT09:00"),
        "ends_at": (starts + datetime.timedelta(days=3)).strftime("%Y-%m-%dT12:00"),
        "proposals_from": "",
        "proposals_until": "",
    }
    data.update(overrides)
    return data


def test_create_form_keeps_what_was_typed(client, staff):
    _verified_login(client, staff)
    response = client.post("/assemblies/new/", _form(title="", proposals_from="2027-01-05"))
    body = response.content.decode()
    assert response.status_code == 400
    assert "请填写会议名称" in body and "提案征集的开始和截止日期须同时填写" in body
    assert 'value="市会议中心"' in body and 'value="2027-01-05"' in body
    assert not Session.objects.exists()
    response = client.post("/assemblies/new/", _form())
    session = Session.objects.get()
    assert response.status_code == 302 and response["Location"] == session.get_absolute_url()
    assert (session.term, session.number, timezone.localtime(session.starts_at).hour) == (14, 5, 9)


def test_members_cannot_create(client, member):
    client.force_login(member)
    assert client.get("/assemblies/new/").status_code == 403
    assert client.post("/assemblies/new/", _form()).status_code == 403


def test_member_sees_his_sessions_and_acts_on_his_own_attendance(
    client, staff, organization, published, member, member_b
):
    hidden = make_session(staff, organization, number=6, title="第六次会议")
    client.force_login(member)
    listing = client.get("/assemblies/").content.decode()
    assert published.title in listing and "第六次会议" not in listing
    assert client.get(hidden.get_absolute_url()).status_code == 404
    assert published.title in client.get("/assemblies/mine/").content.decode()
    assert published.title in client.get("/workbench/").content.decode()
    own = selectors.attendance_of(published, member)
    other = selectors.attendance_of(published, member_b)
    response = client.post(f"/assemblies/attendances/{own.pk}/leave/", {"reason": ""})
    assert response.status_code == 400 and "请填写请假理由" in response.content.decode()
    assert client.post(f"/assemblies/attendances/{other.pk}/leave/", {"reason": "出差"}).status_code == 403
    assert client.post(f"/assemblies/attendances/{own.pk}/decide/", {"approve": "1"}).status_code == 403
    client.post(f"/assemblies/attendances/{own.pk}/leave/", {"reason": "出国访问"})
    own.refresh_from_db()
    assert own.status == Status.LEAVE_REQUESTED

    _verified_login(client, staff)
    workbench = client.get("/workbench/").content.decode()
    assert "会议请假审批" in workbench and "出国访问" in workbench
    client.post(f"/assemblies/attendances/{own.pk}/decide/", {"approve": "1"})
    own.refresh_from_db()
    assert own.status == Status.LEAVE_APPROVED


def test_checkin_page_says_when_the_window_opens_and_offers_no_button_before(client, published, member):
    token = services.checkin_token(published)
    opens = services.checkin_window(published).opens
    client.force_login(member)
    body = client.get(f"/assemblies/checkin/{token}/").content.decode()
    assert 'data-testid="checkin-closed"' in body and "确认签到" not in body
    assert "签到将于 " + timezone.localtime(opens).strftime("%Y-%m-%d %H:%M") + " 开始" in body
    shift(published, datetime.timedelta(minutes=30))  # inside the window
    body = client.get(f"/assemblies/checkin/{token}/").content.decode()
    assert "确认签到" in body and 'data-testid="checkin-closed"' not in body
    shift(published, -datetime.timedelta(days=5))  # over
    body = client.get(f"/assemblies/checkin/{token}/").content.decode()
    assert "签到已于" in body and "确认签到" not in body
    assert selectors.attendance_of(published, member).status == Status.INVITED


def test_leave_after_the_opening_is_refused_and_keeps_the_reason(client, published, member):
    shift(published, -datetime.timedelta(minutes=1))
    client.force_login(member)
    own = selectors.attendance_of(published, member)
    response = client.post(f"/assemblies/attendances/{own.pk}/leave/", {"reason": "生病"})
    body = response.content.decode()
    assert response.status_code == 400 and "不能再请假" in body and "生病" in body


def test_documents_uploaded_by_staff_and_read_by_the_invited(client, staff, organization, published, member):
    _verified_login(client, staff)
    bad = SimpleUploadedFile("report.pdf", b"#!/bin/sh\necho", content_type="application/pdf")
    response = client.post(f"/assemblies/{published.pk}/documents/", {"title": "常委会工作报告", "upload": bad})
    assert response.status_code == 400 and 'value="常委会工作报告"' in response.content.decode()
    good = SimpleUploadedFile("report.pdf", PDF, content_type="application/pdf")
    client.post(f"/assemblies/{published.pk}/documents/", {"title": "常委会工作报告", "upload": good})
    again = SimpleUploadedFile("report.pdf", PDF, content_type="application/pdf")
    client.post(f"/assemblies/{published.pk}/documents/", {"title": "常委会工作报告", "upload": again})
    document = published.documents.get()  # a repeated post uploads nothing more
    for _ in range(2):
        client.post(
            f"/assemblies/{published.pk}/agenda/", {"title": "听取常委会工作报告", "presenter": "", "scheduled_at": ""}
        )
    assert published.agenda.count() == 1
    client.force_login(member)
    response = client.get(f"/assemblies/documents/{document.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    client.force_login(make_user(Role.CITIZEN, organization))
    assert client.get(f"/assemblies/documents/{document.pk}/").status_code == 404


def test_refused_vote_keeps_what_was_typed(client, staff, published):
    shift(published, -datetime.timedelta(hours=1))
    _verified_login(client, staff)
    data = {
        "kind": "resolution",
        "method": "hands",
        "title": "关于政治决议的表决",
        "present": "3",
        "votes_for": "3",
        "votes_against": "1",
        "abstentions": "0",
        "candidates": "",
    }
    response = client.post(f"/assemblies/{published.pk}/votes/", data)
    body = response.content.decode()
    assert response.status_code == 400 and "超过实到人数" in body and 'value="关于政治决议的表决"' in body
    response = client.post(f"/assemblies/{published.pk}/votes/", {**data, "votes_for": "2"})
    assert response.status_code == 302
    body = client.get(published.get_absolute_url()).content.decode()
    assert "赞成 2，反对 1，弃权 0" in body and "表决通过" in body


def test_session_page_query_count_does_not_grow_with_the_invited(client, staff, organization, published):
    _verified_login(client, staff)
    client.get(published.get_absolute_url())

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(published.get_absolute_url()).status_code == 200
        return len(queries)

    before = count()
    for i in range(5):
        make_user(Role.MEMBER, organization, name=f"新委员{i}")
    services.session_invite(actor=staff, session=published)
    client.get(published.get_absolute_url())  # new people were written: the kept user (decision 0045) is read again
    assert count() == before


def test_election_tally_typed_one_candidate_a_line(client, staff, published):
    shift(published, -datetime.timedelta(hours=1))
    _verified_login(client, staff)
    data = {
        "kind": "election",
        "method": "ballot",
        "title": "增选常务委员",
        "present": "3",
        "candidates": "张三 2\n李四",
    }
    response = client.post(f"/assemblies/{published.pk}/votes/", data)
    body = response.content.decode()
    assert response.status_code == 400 and "第 2 行应为" in body and "张三 2" in body
    assert not published.votes.exists()
    response = client.post(f"/assemblies/{published.pk}/votes/", {**data, "candidates": "张三 2\n李四　1\n"})
    assert response.status_code == 302
    vote = published.votes.get()
    assert [(c.name, c.votes, c.elected) for c in vote.candidates.all()] == [("张三", 2, True), ("李四", 1, False)]
    assert "当选" in client.get(published.get_absolute_url()).content.decode()
