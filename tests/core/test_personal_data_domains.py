"""A member's download holds his proposals (led and co-signed), opinion reports, duty entries and activity
participation (decision 0036): each domain app registers its source in core.personal_data; erasure leaves them."""

import datetime
import io
import json
import zipfile
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from tests.factories import make_user
from xieshang.accounts import personal_data
from xieshang.accounts.models import Role
from xieshang.activities.models import Activity, ActivityKind, Participation
from xieshang.core import personal_data as registry
from xieshang.duties.models import DutyEntry
from xieshang.opinions.models import Report, ReportAuthor
from xieshang.proposals.models import CoSignature, Proposal


def test_a_members_download_holds_his_domain_records(organization, member):
    other = make_user(Role.MEMBER, organization, username="other")
    led = Proposal.objects.create(
        organization=organization, year=2026, title="关于路灯的提案", body="正文", submitter=member
    )
    cosigned = Proposal.objects.create(
        organization=organization, year=2026, title="关于公交的提案", body="正文", submitter=other
    )
    CoSignature.objects.create(proposal=cosigned, user=member, status=CoSignature.Status.SIGNED)
    invited = Proposal.objects.create(
        organization=organization, year=2026, title="只受邀未联名", body="正文", submitter=other
    )
    CoSignature.objects.create(proposal=invited, user=member, status=CoSignature.Status.INVITED)
    Proposal.objects.create(organization=organization, year=2026, title="别人的提案", body="正文", submitter=other)
    Report.objects.create(organization=organization, year=2026, seq=1, title="社情一则", body="正文", submitter=member)
    authored = Report.objects.create(
        organization=organization, year=2026, seq=2, title="署名一则", body="正文", submitter=other
    )
    ReportAuthor.objects.create(report=authored, user=member)
    DutyEntry.objects.create(
        member=member,
        organization=organization,
        year=2026,
        kind="proposal",
        rule_key="proposal_filed",
        points=Decimal("5.0"),
        rule_points=Decimal("5.0"),
        content_type=ContentType.objects.get_for_model(Proposal),
        object_id=led.pk,
        source_label="关于路灯的提案",
        occurred_on=datetime.date(2026, 3, 1),
    )
    kind = ActivityKind.objects.create(organization=organization, key="visit", name="视察")
    start = timezone.now()
    activity = Activity.objects.create(
        organization=organization,
        kind=kind,
        title="春季视察",
        organizer_kind=Activity.Organizer.COMMITTEE,
        organizer_name="文史委",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        created_by=other,
    )
    Participation.objects.create(
        activity=activity, organization=organization, member=member, status=Participation.Status.ATTENDED
    )

    archive = zipfile.ZipFile(io.BytesIO(personal_data.export_zip(actor=member)))
    proposals = json.loads(archive.read("proposals.json"))
    assert [(p["title"], p["part"]) for p in proposals] == [("关于路灯的提案", "领衔"), ("关于公交的提案", "联名")]
    reports = json.loads(archive.read("opinion_reports.json"))
    assert [(r["title"], r["part"]) for r in reports] == [("社情一则", "报送人"), ("署名一则", "作者")]
    duties = json.loads(archive.read("duty_entries.json"))
    assert [(d["source"], d["points"]) for d in duties] == [("关于路灯的提案", "5.0")]
    participations = json.loads(archive.read("activity_participations.json"))
    assert [(p["activity"], p["status"]) for p in participations] == [("春季视察", "已出席")]
    # Another member's download holds none of his.
    others = dict((s.key, rows) for s, rows in registry.collect(other))
    assert [p["title"] for p in others["proposals"]] == ["关于公交的提案", "只受邀未联名", "别人的提案"]
    assert others["duty_entries"] == [] and others["activity_participations"] == []


def test_erasure_leaves_the_conference_records(organization, member):
    Proposal.objects.create(organization=organization, year=2026, title="关于路灯的提案", body="正文", submitter=member)
    changes = personal_data.erase(member)
    assert changes["proposals"] == changes["opinion_reports"] == changes["duty_entries"] == 0
    assert Proposal.objects.get().submitter_id == member.pk
