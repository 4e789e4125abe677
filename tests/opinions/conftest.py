import pytest

from tests.factories import HandlingUnitFactory, OrganizationFactory, SectorFactory, make_user
from xieshang.accounts.models import MemberProfile, Organization, Role, RoleGrant
from xieshang.opinions import services
from xieshang.opinions.models import Level


@pytest.fixture
def hierarchy(db):
    national = OrganizationFactory(name="全国政协", short_name="全国", code="cn", level=Organization.Level.NATIONAL)
    province = OrganizationFactory(
        name="河南省政协", short_name="河南", code="ha", level=Organization.Level.PROVINCIAL, parent=national
    )
    return national, province


@pytest.fixture
def organization(hierarchy):
    """The city conference, under a province and the national conference."""
    _, province = hierarchy
    return OrganizationFactory(
        name="郑州市政协",
        short_name="郑州",
        code="zz",
        level=Organization.Level.CITY,
        parent=province,
        region="河南省郑州市",
    )


@pytest.fixture
def staff(organization):
    return make_user(Role.INFORMATION_STAFF, organization, username="info", name="信息处")


@pytest.fixture
def author(organization):
    user = make_user(Role.MEMBER, organization, username="author", name="张委员")
    sector = SectorFactory(organization=organization, name="教育界")
    MemberProfile.objects.filter(user=user).update(sector=sector, party="cdl")
    return user


@pytest.fixture
def coauthor(organization):
    return make_user(Role.MEMBER, organization, username="coauthor", name="李委员")


@pytest.fixture
def unit(organization):
    return HandlingUnitFactory(organization=organization, name="市住房局")


@pytest.fixture
def officer(organization, unit):
    user = make_user(None, username="officer", name="经办人")
    RoleGrant.objects.create(user=user, organization=organization, role=Role.UNIT_OFFICER, handling_unit=unit)
    return user


@pytest.fixture
def recipients(organization):
    return {r.level: r for r in reversed(services.recipients_ensure_defaults(organization))}


@pytest.fixture
def city_reader(organization, recipients):
    """An account of the city party committee office that reads the leadership's inbox: an officer of a party unit,
    with no conference-wide role, so it sees only what was sent to it."""
    office = HandlingUnitFactory(organization=organization, name="中共郑州市委办公厅", kind="party")
    user = make_user(None, username="cityoffice", name="市委办公厅")
    RoleGrant.objects.create(user=user, organization=organization, role=Role.UNIT_OFFICER, handling_unit=office)
    for r in services.recipients_ensure_defaults(organization):
        if r.level == Level.OWN:
            r.users.add(user)
    return user


@pytest.fixture
def province_staff(hierarchy):
    return make_user(Role.INFORMATION_STAFF, hierarchy[1], username="provinfo", name="省政协信息处")


BODY = "近年来老旧小区加装电梯需求旺盛。\n存在的主要问题：低层住户意见不一。\n为此建议：建立楼栋协商机制。"


@pytest.fixture
def submit(organization, author):
    def _submit(actor=None, **kwargs):
        values = {"title": "关于推进老旧小区加装电梯的建议", "body": BODY}
        values.update(kwargs)
        return services.report_submit(actor=actor or author, organization=organization, **values)

    return _submit


@pytest.fixture
def drive(staff, recipients):
    """Move a report along the pipeline to `state` with the services."""

    def _drive(report, state, levels=(Level.OWN,)):
        order = ["collected", "editing", "approved", "issued", "sent"]
        if state == "closed":
            services.report_transition(actor=staff, report=report, key="close", reason="内容重复")
            return report
        target = order.index(state)
        if target >= 1:
            services.report_transition(actor=staff, report=report, key="take_up")
        if target >= 2:
            services.report_transition(actor=staff, report=report, key="approve")
        if target >= 3:
            issue = services.issue_create(actor=staff, organization=report.organization)
            services.issue_add_reports(actor=staff, issue=issue, reports=[report])
            services.issue_publish(actor=staff, issue=issue)
            report.refresh_from_db()
        if target >= 4:
            services.report_send(actor=staff, report=report, recipients=[recipients[lv] for lv in levels])
        return report

    return _drive
