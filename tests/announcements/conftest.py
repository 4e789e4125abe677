import pytest

from tests.factories import CommitteeFactory, CommunityFactory, SectorFactory, make_user
from xieshang.accounts.models import MemberProfile, ResidentProfile, Role
from xieshang.announcements import services


@pytest.fixture
def staff(organization):
    return make_user(Role.COMMITTEE_STAFF, organization, username="committee", name="赵工作")


@pytest.fixture
def member_b(organization):
    return make_user(Role.MEMBER, organization, username="memberb", name="钱委员", phone="13800000002")


def profile(user, organization, **fields):
    MemberProfile.objects.filter(user=user, organization=organization).update(**fields)
    return MemberProfile.objects.get(user=user, organization=organization)


def resident(organization, community, **kwargs):
    from django.utils import timezone

    user = make_user(Role.CITIZEN, organization, **kwargs)
    ResidentProfile.objects.create(
        user=user, organization=organization, community=community, consent_version="1", consent_at=timezone.now()
    )
    return user


@pytest.fixture
def world(organization, member, member_b):
    """Two members in different committees, sectors and districts, a unit officer, residents in two districts."""
    committee, other_committee = (
        CommitteeFactory(organization=organization),
        CommitteeFactory(organization=organization),
    )
    sector = SectorFactory(organization=organization)
    profile(member, organization, sector=sector, district="金水区").committees.add(committee)
    profile(member_b, organization, district="二七区").committees.add(other_committee)
    standing = make_user(Role.STANDING_MEMBER, organization, username="standing", name="孙常委")
    profile(standing, organization, district="金水区").committees.add(committee)
    officer = make_user(Role.UNIT_OFFICER, organization, username="officer", name="周经办")
    jinshui = CommunityFactory(organization=organization, district="金水区")
    erqi = CommunityFactory(organization=organization, district="二七区")
    return {
        "committee": committee,
        "sector": sector,
        "standing": standing,
        "officer": officer,
        "jinshui": jinshui,
        "erqi": erqi,
        "resident_js": resident(organization, jinshui, username="res1", name="居民甲"),
        "resident_eq": resident(organization, erqi, username="res2", name="居民乙"),
    }


def draft(staff, organization, **fields):
    values = {"title": "关于召开年度履职培训会的通知", "body": "请各位委员按时参加。", "audience": "members"}
    values.update(fields)
    return services.create_announcement(actor=staff, organization=organization, **values)
