"""Issue #11: the member picker (accounts.pickers) every "choose people" form uses: its search endpoint finds people
and groups of the form's pool only, a chosen group (界别, 专委会, 常委) is read as its members, and the pool cannot be
widened by editing the page."""

import pytest
from django.core import signing
from django.http import QueryDict

from tests.factories import OrganizationFactory, SectorFactory, make_user
from xieshang.accounts import pickers
from xieshang.accounts.models import MemberProfile, Role, SpecialCommittee
from xieshang.activities.forms import InviteForm

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_second_factor(db):
    # The endpoint's permission is the subject here, not the second factor in front of staff pages.
    from xieshang.accounts.models import SecurityPolicy

    SecurityPolicy.objects.create(staff_second_factor=False)


@pytest.fixture
def people(organization, other_organization):
    education = SectorFactory(organization=organization, name="教育界")
    committee = SpecialCommittee.objects.create(organization=organization, name="城建委")
    teacher = make_user(Role.MEMBER, organization, username="teacher", name="王老师")
    MemberProfile.objects.filter(user=teacher).update(sector=education)
    standing = make_user(Role.STANDING_MEMBER, organization, username="standing", name="李常委")
    MemberProfile.objects.filter(user=standing).update(is_standing=True)
    MemberProfile.objects.get(user=standing).committees.add(committee)
    other = make_user(Role.MEMBER, other_organization, username="other", name="王外市")
    staff = make_user(Role.COMMITTEE_STAFF, organization, username="staff", name="工作人员")
    return {
        "education": education,
        "committee": committee,
        "teacher": teacher,
        "standing": standing,
        "other": other,
        "staff": staff,
    }


def _pool(organization):
    return pickers.Pool((organization.pk,), (Role.MEMBER, Role.STANDING_MEMBER))


def test_groups_are_read_as_their_members_of_the_pool(organization, people):
    pool = _pool(organization)
    assert pickers.group_members(pool, [f"sector:{people['education'].pk}"]) == [people["teacher"].pk]
    assert pickers.group_members(pool, [f"committee:{people['committee'].pk}"]) == [people["standing"].pk]
    assert pickers.group_members(pool, ["standing:all"]) == [people["standing"].pk]
    assert pickers.group_members(pool, ["sector:x", "nonsense"]) == []


def test_a_form_takes_a_whole_group(organization, people):
    data = QueryDict(mutable=True)
    data.setlist("members__group", [f"sector:{people['education'].pk}", "standing:all"])
    data["part"] = "member"
    form = InviteForm(data, organization=organization)
    assert form.is_valid(), form.errors
    assert set(form.cleaned_data["members"]) == {people["teacher"], people["standing"]}
    # Someone outside the pool is refused, with the field's message.
    data = QueryDict(mutable=True)
    data.setlist("members", [str(people["other"].pk)])
    data["part"] = "member"
    form = InviteForm(data, organization=organization)
    assert not form.is_valid() and "members" in form.errors


def test_the_rendered_field_shows_only_the_chosen_and_a_search_box(organization, people):
    form = InviteForm(initial={"members": [people["teacher"].pk]}, organization=organization)
    html = str(form["members"])
    assert 'type="search"' in html and "王老师" in html and "李常委" not in html
    assert f'<input type="checkbox" name="members" value="{people["teacher"].pk}" checked>' in html


def _search(client, pool_token, q, name="members"):
    return client.get("/accounts/members/search/", {"pool": pool_token, "name": name, f"{name}__q": q})


def test_search_finds_people_and_groups_of_the_pool_only(client, organization, people):
    client.force_login(people["staff"])
    token = _pool(organization).token()
    html = _search(client, token, "王").content.decode()
    assert "王老师" in html and "王外市" not in html
    html = _search(client, token, "教育").content.decode()
    assert f'name="members__group" value="sector:{people["education"].pk}"' in html and "王老师" in html
    html = _search(client, token, "常委").content.decode()
    assert 'value="standing:all"' in html and "全体常委" in html
    client.cookies["xieshang_language"] = "en"
    assert "All standing committee members" in _search(client, token, "常委").content.decode()


def test_the_pool_cannot_be_forged_or_searched_from_outside(client, organization, other_organization, people):
    client.force_login(people["staff"])
    forged = signing.dumps({"o": [other_organization.pk], "r": [Role.MEMBER]}, salt="another salt")
    assert _search(client, forged, "王").status_code == 403
    assert _search(client, "not a token", "王").status_code == 403
    # A pool of another organization, properly signed, is refused to someone without a role there.
    assert _search(client, _pool(other_organization).token(), "王").status_code == 403
    client.logout()
    assert _search(client, _pool(organization).token(), "王").status_code == 302
    outsider = make_user(Role.MEMBER, OrganizationFactory(code="xx"), username="outsider")
    client.force_login(outsider)
    assert _search(client, _pool(organization).token(), "王").status_code == 403
