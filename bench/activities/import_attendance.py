"""Time an Excel import of attendance end to end: the whole POST of the import page (upload, parse, check every
row, record, credit the duty file, audit, redirect) for an activity with --rows invited members, on a fresh test
database (SQLite by default; PostgreSQL with DATABASE_URL).

    .venv/bin/python bench/activities/import_attendance.py --rows 1000 --runs 3
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xieshang_h_activities .venv/bin/python bench/activities/...

Each run builds a new activity and its members (bulk, not timed), then times one request and counts its queries."""

from __future__ import annotations

import argparse
import datetime
import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xieshang.settings")
os.environ.setdefault("XIESHANG_DEV", "1")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-the-public-development-key")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from xieshang.accounts.models import MemberProfile, Organization, Role, RoleGrant, User  # noqa: E402
from xieshang.activities import services  # noqa: E402
from xieshang.activities.models import Activity, ActivityKind, Participation  # noqa: E402
from xieshang.duties.models import DutyEntry  # noqa: E402


def _world(run: int, rows: int):
    org = Organization.objects.create(name=f"测试政协{run}", short_name=f"测{run}", code=f"b{run}")
    staff = User.objects.create_user(username=f"staff{run}", password="x", name="赵工作")  # noqa: S106
    RoleGrant.objects.create(user=staff, organization=org, role=Role.COMMITTEE_STAFF)
    members = User.objects.bulk_create(
        [User(username=f"r{run}m{i}", name=f"委员{run}-{i}", phone=f"139{run:02d}{i:06d}") for i in range(rows)]
    )
    RoleGrant.objects.bulk_create(RoleGrant(user=m, organization=org, role=Role.MEMBER) for m in members)
    MemberProfile.objects.bulk_create(MemberProfile(user=m, organization=org, term="第十五届") for m in members)
    kind = ActivityKind.objects.get(organization=None, key="charity")
    starts = timezone.now() - datetime.timedelta(hours=1)
    activity = services.activity_create(
        actor=staff,
        organization=org,
        kind=kind,
        title="防汛救灾志愿服务",
        organizer_kind=Activity.Organizer.SECTOR,
        organizer_name="医药卫生界",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=4),
    )
    Participation.objects.bulk_create(Participation(activity=activity, organization=org, member=m) for m in members)
    Activity.objects.filter(pk=activity.pk).update(state=Activity.State.OPEN)
    return staff, activity, members


def _sheet(members) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(["委员", "出勤", "捐款（元）", "捐物折价（元）", "志愿服务（小时）"])
    for i, member in enumerate(members):
        sheet.append([member.phone, "缺席" if i % 10 == 9 else "出席", 200 if i % 3 == 0 else None, None, 4])
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "出勤表.xlsx"
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    times, queries = [], []
    try:
        for run in range(args.runs):
            staff, activity, members = _world(run, args.rows)
            client = Client()
            client.force_login(staff)
            device = TOTPDevice.objects.create(user=staff, confirmed=True, name="bench")
            session = client.session
            session["otp_device_id"] = device.persistent_id
            session.save()
            sheet = _sheet(members)
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.post(f"/activities/{activity.pk}/attendance-import/", {"file": sheet}, secure=True)
                elapsed = time.perf_counter() - started
            assert response.status_code == 302 and "attendance" not in response.get("Location", "x"), (
                response.status_code,
                response.get("Location"),
                response.content.decode()[:3000],
            )
            credited = DutyEntry.objects.filter(organization=activity.organization).count()
            assert credited == args.rows - args.rows // 10, credited
            times.append(elapsed)
            queries.append(len(captured))
            print(f"run {run}: {elapsed:.2f} s, {len(captured)} queries, {credited} credited")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    print(
        f"{connection.vendor}, {args.rows} rows: best {min(times):.2f} s, median {statistics.median(times):.2f} s, "
        f"queries {sorted(set(queries))}; load average {os.getloadavg()[0]:.1f}"
    )


if __name__ == "__main__":
    main()
