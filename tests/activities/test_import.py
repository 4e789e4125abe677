"""Attendance imported from Excel: one bad row refuses the whole sheet with each row's problem, nothing saved; a
good sheet records attendance (credited, dated at the activity) and absences; importing it again changes nothing."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook

from tests.accounts.test_isolation import _verified_login
from xieshang.activities import selectors, services
from xieshang.activities.models import ActivityKind, Participation
from xieshang.duties.models import DutyEntry

from .conftest import make_activity, shift

pytestmark = pytest.mark.django_db
Status = Participation.Status


def _sheet(*rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["委员", "出勤", "捐款（元）", "捐物折价（元）", "志愿服务（小时）"])
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(
        "出勤表.xlsx",
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@pytest.fixture
def held(published):
    return shift(published, -datetime.timedelta(days=1))


def test_one_bad_row_saves_nothing(held, staff, member, member_b):
    sheet = _sheet(
        (member.username, "出席"),
        (member_b.phone, "迟到"),
        ("不存在的人", "出席"),
        (member.name, "缺席"),
        (member_b.username, "出席", 100),
    )
    with pytest.raises(ValidationError) as exc:
        services.attendance_import(actor=staff, activity=held, file=sheet)
    messages = exc.value.message_dict["file"]
    assert messages[0].startswith("第 3 行：") and "出勤应填“出席”或“缺席”" in messages[0]
    assert messages[1].startswith("第 4 行：") and "不在本次活动的邀请名单中" in messages[1]
    assert messages[2].startswith("第 5 行：") and "与第 2 行是同一位委员" in messages[2]
    assert messages[3].startswith("第 6 行：") and "不登记捐款捐物" in messages[3]
    assert not DutyEntry.objects.exists()
    assert set(held.participations.values_list("status", flat=True)) == {Status.INVITED}


def test_a_good_sheet_records_and_credits_once(held, staff, member, member_b):
    counts = services.attendance_import(
        actor=staff, activity=held, file=_sheet((member.phone, "出席"), (member_b.name, "缺席"), (None, None))
    )
    assert counts == {"attended": 1, "absent": 1, "on_leave": 0}
    assert selectors.participation_of(held, member).status == Status.ATTENDED
    absent = selectors.participation_of(held, member_b)
    assert absent.status == Status.ABSENT and absent.recorded_by == staff
    entry = DutyEntry.objects.get()
    assert entry.member == member and entry.occurred_on == timezone.localdate(held.starts_at)
    services.attendance_import(actor=staff, activity=held, file=_sheet((member.phone, "出席"), (member_b.name, "缺席")))
    assert DutyEntry.objects.count() == 1
    with pytest.raises(ValidationError, match="不能改为缺席"):
        services.attendance_import(actor=staff, activity=held, file=_sheet((member.phone, "缺席")))


def test_amounts_where_the_kind_records_them(staff, organization, member):
    charity = ActivityKind.objects.get(organization=None, key="charity")
    activity = make_activity(staff, organization, charity, title="防汛救灾捐赠")
    services.activity_invite(actor=staff, activity=activity, members=[member])
    services.activity_publish(actor=staff, activity=activity)
    shift(activity, -datetime.timedelta(hours=1))
    services.attendance_import(actor=staff, activity=activity, file=_sheet((member.username, "出席", 5000, "", 3.5)))
    participation = selectors.participation_of(activity, member)
    assert participation.donation_money == Decimal(5000) and participation.volunteer_hours == Decimal("3.5")
    assert participation.donation_goods is None


def test_not_a_workbook_and_not_staff(held, staff, member):
    with pytest.raises(ValidationError):
        services.attendance_import(
            actor=staff, activity=held, file=SimpleUploadedFile("a.xlsx", b"not a zip", content_type="text/plain")
        )
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.attendance_import(actor=member, activity=held, file=_sheet((member.username, "出席")))


def test_import_page_lists_the_bad_rows(client, held, staff, member):
    _verified_login(client, staff)
    response = client.post(
        f"/activities/{held.pk}/attendance-import/", {"file": _sheet((member.username, "出席"), ("某某", "出席"))}
    )
    body = response.content.decode()
    assert response.status_code == 400 and "第 3 行" in body and "不在本次活动的邀请名单中" in body
    assert not DutyEntry.objects.exists()
    response = client.post(f"/activities/{held.pk}/attendance-import/", {"file": _sheet((member.username, "出席"))})
    assert response.status_code == 302 and DutyEntry.objects.count() == 1


def test_an_absence_on_approved_leave_stays_leave(published, staff, member, member_b):
    mine = selectors.participation_of(published, member_b)
    services.participation_request_leave(actor=member_b, participation=mine, reason="赴外地参加全国会议")
    services.participation_decide_leave(actor=staff, participation=mine, approve=True)
    held = shift(published, -datetime.timedelta(days=1))
    counts = services.attendance_import(
        actor=staff, activity=held, file=_sheet((member.phone, "缺席"), (member_b.phone, "缺席"))
    )
    assert counts == {"attended": 0, "absent": 1, "on_leave": 1}
    assert selectors.participation_of(held, member_b).status == Status.LEAVE_APPROVED
    with pytest.raises(ValidationError, match="已准假，不计为缺席"):
        services.attendance_record(actor=staff, participation=mine, attended=False)


def test_queries_do_not_grow_with_the_sheet(staff, organization):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import make_user
    from xieshang.accounts.models import Role

    kind = ActivityKind.objects.get(organization=None, key="charity")
    sizes = {}
    for n in (1, 3, 40):  # the first import warms the content-type cache (one query, once per process)
        people = [make_user(Role.MEMBER, organization, username=f"n{n}m{i}") for i in range(n)]
        activity = make_activity(staff, organization, kind)
        services.activity_invite(actor=staff, activity=activity, members=people)
        services.activity_publish(actor=staff, activity=activity)
        activity = shift(activity, -datetime.timedelta(hours=1))
        sheet = _sheet(*[(p.username, "出席", 100, None, 2) for p in people])
        with CaptureQueriesContext(connection) as captured:
            services.attendance_import(actor=staff, activity=activity, file=sheet)
        sizes[n] = len(captured)
    assert sizes[40] == sizes[3]
    assert DutyEntry.objects.count() == 44
