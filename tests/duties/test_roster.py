"""The member directory (委员名录): members and staff find members by name, by the pickers' groups (sector,
committee, district, studio, standing) and by term; phone numbers only for staff, on the page and in the Excel
export; the htmx search returns the results alone; a page reads a fixed number of queries. The main menu folds a
member's duty pages into one item, so he sees at most nine top-level entries."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import CommitteeFactory, OrganizationFactory, SectorFactory, make_user
from tests.workflow.conftest import verified_login
from xieshang.accounts.models import MemberProfile, Role
from xieshang.accounts.pickers import Pool, group_members, groups_matching
from xieshang.activities import services as activity_services
from xieshang.core.navigation import entries_for
from xieshang.duties.selectors import roster_groups

pytestmark = pytest.mark.django_db
URL = "/duties/roster/"


@pytest.fixture
def org():
    return OrganizationFactory(code="rr")


@pytest.fixture
def staff(org):
    return make_user(Role.COMMITTEE_STAFF, org, username="staff", name="赵工作")


def _member(org, name, *, sector=None, committee=None, district="", standing=False, term="第十五届"):
    user = make_user(Role.STANDING_MEMBER if standing else Role.MEMBER, org, name=name)
    MemberProfile.objects.filter(user=user, organization=org).update(sector=sector, district=district, term=term)
    if committee is not None:
        MemberProfile.objects.get(user=user, organization=org).committees.add(committee)
    return user


@pytest.fixture
def world(org, staff):
    economy = SectorFactory(organization=org, name="经济界")
    culture = SectorFactory(organization=org, name="文化艺术界")
    committee = CommitteeFactory(organization=org, name="提案委员会")
    wang = _member(org, "王建国", sector=economy, committee=committee, district="金水区")
    li = _member(org, "李文华", sector=culture, district="二七区", standing=True)
    zhang = _member(org, "张明", sector=economy, district="金水区", term="第十四届")
    studio = activity_services.studio_create(
        actor=staff, organization=org, name="金水区委员工作室", place="文化路", members=[li, zhang]
    )
    return {"economy": economy, "committee": committee, "studio": studio, "wang": wang, "li": li, "zhang": zhang}


def _names(response):
    body = response.content.decode()
    body = body[body.index('data-testid="roster"') : body.index("</table>")]  # not the signed-in user's name
    return {name for name in ("王建国", "李文华", "张明") if name in body}


def test_member_reads_the_roster_without_phones_and_staff_with_them(client, org, staff, world):
    client.force_login(world["wang"])
    response = client.get(URL)
    body = response.content.decode()
    assert response.status_code == 200 and _names(response) == {"王建国", "李文华", "张明"}
    assert "金水区委员工作室" in body and "提案委员会" in body and "第十四届" in body
    assert world["li"].phone not in body and "手机号码" not in body
    verified_login(client, staff)
    body = client.get(URL).content.decode()
    assert world["li"].phone in body and "手机号码" in body
    outsider = make_user(Role.CITIZEN, org)
    client.force_login(outsider)
    assert client.get(URL).status_code == 403


def test_search_and_groups_are_the_pickers_groups(client, org, world):
    client.force_login(world["wang"])
    assert _names(client.get(URL, {"q": "文华"})) == {"李文华"}
    assert _names(client.get(URL, {"q": "经济"})) == {"王建国", "张明"}  # by sector
    assert _names(client.get(URL, {"term": "第十四届"})) == {"张明"}
    pool = Pool((org.pk,), (Role.MEMBER, Role.STANDING_MEMBER))
    groups = {g.value: g for g in groups_matching(pool, "")}
    assert [g.value for g in roster_groups(org)] == list(groups)
    expected = {
        f"sector:{world['economy'].pk}": {"王建国", "张明"},
        f"committee:{world['committee'].pk}": {"王建国"},
        "district:金水区": {"王建国", "张明"},
        f"studio:{world['studio'].pk}": {"李文华", "张明"},
        "standing:all": {"李文华"},
    }
    names = {u.pk: u.name for u in (world["wang"], world["li"], world["zhang"])}
    for value, members in expected.items():
        assert value in groups, value
        assert {names[pk] for pk in group_members(pool, [value])} == members, value
        assert _names(client.get(URL, {"group": value})) == members, value
    # The invitation pickers offer the same groups as you type.
    assert [g.value for g in groups_matching(pool, "金水")] == ["district:金水区", f"studio:{world['studio'].pk}"]


def test_htmx_search_returns_the_results_alone(client, world):
    client.force_login(world["wang"])
    response = client.get(URL, {"q": "王"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200 and 'data-testid="roster"' in body
    assert "<html" not in body and 'data-testid="roster-filters"' not in body
    assert _names(response) == {"王建国"}


def test_excel_export_has_phones_only_for_staff(client, staff, world):
    def sheet(response):
        rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
        return rows[0], rows[1:]

    client.force_login(world["wang"])
    header, rows = sheet(client.get(URL, {"format": "xlsx", "group": "district:金水区"}))
    assert "手机号码" not in header and sorted(r[0] for r in rows) == ["张明", "王建国"]
    verified_login(client, staff)
    header, rows = sheet(client.get(URL, {"format": "xlsx", "q": "李"}))
    assert header[-1] == "手机号码" and rows == [tuple(rows[0][:-1]) + (world["li"].phone,)]
    assert rows[0][4] == "金水区委员工作室"


def test_roster_page_queries_do_not_grow_with_members(client, org, world, django_assert_num_queries):
    from xieshang.core import generations
    from xieshang.duties.selectors import org_generation

    def built() -> int:  # the kept roster built afresh, as after a write of the duty records
        generations.advance(org_generation(org.pk))
        with CaptureQueriesContext(connection) as ctx:
            client.get(URL)
        return len(ctx)

    client.force_login(world["wang"])
    client.get(URL)
    before = built()
    sector = SectorFactory(organization=org, name="科技界")
    for i in range(12):
        _member(org, f"新委员{i}", sector=sector, committee=world["committee"], district="二七区")
    client.get(URL)  # new people were written: the kept user (decision 0045) is read again, once
    assert before > 0 and built() == before


def test_a_members_menu_folds_the_duty_pages_into_one_item(org, world):
    member = world["li"]  # a standing member: the most entries
    entries = entries_for(member, org)
    assert len(entries) <= 9, [str(e["label"]) for e in entries]
    duty = next(e for e in entries if e["key"] == "duty")
    consult = next(e for e in entries if e["key"] == "consult")
    assert "/consultations/" in [c["url"] for c in consult["children"]]
    assert reverse("duties:roster") in [c["url"] for c in duty["children"]]
    assert reverse("duties:mine") in [c["url"] for c in duty["children"]]
