"""Issue #11: the shared member picker, as a member uses it on the proposal form: search as you type, a whole sector
(界别) ticked at once by keyboard, a person added by a second search without losing the first choices; the draft
invites them all. The same in English; axe finds nothing serious."""

from playwright.sync_api import expect

from tests.e2e.conftest import login
from tests.factories import PASSWORD, SectorFactory, make_user
from xieshang.accounts.models import MemberProfile, Role
from xieshang.proposals.models import Proposal


def _members(organization):
    education = SectorFactory(organization=organization, name="教育界")
    teachers = [make_user(Role.MEMBER, organization, username=f"t{i}", name=f"教师委员{i}") for i in (1, 2)]
    MemberProfile.objects.filter(user__in=teachers).update(sector=education)
    doctor = make_user(Role.MEMBER, organization, username="doctor", name="医生委员")
    return teachers, doctor


def _pick(page, axe, *, search_label, group_label, save):
    box = page.get_by_label(search_label)
    box.fill("教育")
    group = page.get_by_role("checkbox", name=group_label)
    expect(group).to_be_visible()
    group.focus()
    page.keyboard.press("Space")  # by keyboard
    box.fill("医生")
    page.get_by_test_id("picker-results").get_by_label("医生委员").check()
    chosen = page.locator("[data-picker-chosen]")
    expect(chosen).to_contain_text(group_label)
    expect(chosen).to_contain_text("医生委员")
    assert axe(page) == []
    page.get_by_role("button", name=save, exact=True).click()


def test_member_invites_a_sector_and_a_person_with_the_picker(page, organization, axe):
    teachers, doctor = _members(organization)
    make_user(Role.MEMBER, organization, username="lead", name="领衔委员")
    login(page, "lead", PASSWORD)
    page.goto("/proposals/new/")
    page.get_by_label("案由").fill("关于加强校医配备的建议")
    page.get_by_label("正文").fill("中小学校医配备不足。" * 10)
    _pick(page, axe, search_label="按姓名或界别搜索委员", group_label="界别：教育界", save="保存草稿")
    expect(page.get_by_test_id("state")).to_have_text("草稿")
    proposal = Proposal.objects.get()
    assert {c.user for c in proposal.cosignatures.all()} == {*teachers, doctor}

    page.get_by_test_id("language").click()
    page.goto("/proposals/new/")
    page.locator("#id_title").fill("On school doctors")
    page.locator("#id_body").fill("Schools lack doctors. " * 10)
    _pick(page, axe, search_label="Search members by name or sector", group_label="Sector: 教育界", save="Save draft")
    assert Proposal.objects.count() == 2
