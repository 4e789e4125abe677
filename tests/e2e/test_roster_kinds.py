"""Browser tests, in Chinese and in English: a member opens the member directory (委员名录) from the folded duty group
of the main menu, finds a colleague as he types (htmx), narrows by a group the invitation pickers also offer, and
sees no phone numbers; staff see them and export the list. Committee staff add a kind of activity with its fields and
points from the activities page, a bad points value is refused beside its field with what was typed kept."""

import io
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.e2e.conftest import login
from tests.e2e.test_activities import LANGUAGES, _defaults, staff_login, tr  # noqa: F401 - _defaults: autouse
from tests.factories import PASSWORD, SectorFactory, make_user
from xieshang.accounts.models import MemberProfile, Role
from xieshang.activities.models import ActivityKind
from xieshang.duties.models import DutyRule


def _member(organization, username, name, language, **profile):
    user = make_user(Role.MEMBER, organization, username=username, name=name, language=language)
    MemberProfile.objects.filter(user=user, organization=organization).update(**profile)
    return user


@pytest.mark.parametrize("language", LANGUAGES)
def test_member_finds_a_colleague_in_the_roster_and_staff_export_it(page, organization, language):
    def t(text, **values):
        return tr(language, text, **values)

    economy = SectorFactory(organization=organization, name="经济界")
    reader = _member(organization, "reader", "孙委员", language, sector=economy, district="金水区")
    _member(organization, "colleague", "欧阳文华", language, sector=economy, district="二七区")
    _member(organization, "other", "钱明", language, district="金水区")
    staff = make_user(Role.COMMITTEE_STAFF, organization, username="committee", name="赵工作", language=language)

    login(page, "reader", PASSWORD)
    nav = page.locator("nav.main-nav")
    nav.locator("summary", has_text=t("履职")).click()
    nav.get_by_role("link", name=t("委员名录"), exact=True).click()
    table = page.get_by_test_id("roster")
    expect(table).to_contain_text("欧阳文华")
    expect(table).to_contain_text("钱明")
    page.get_by_label(t("姓名、界别、单位或区县")).press_sequentially("欧阳", delay=50)
    expect(table).not_to_contain_text("钱明")  # the results follow the typing, no button pressed
    expect(table).to_contain_text("欧阳文华")
    page.get_by_label(t("姓名、界别、单位或区县")).fill("")
    page.get_by_label(t("分组")).select_option(label=t("区县：%(name)s", name="金水区"))
    expect(table).not_to_contain_text("欧阳文华")
    expect(table).to_contain_text("钱明")
    expect(table).to_contain_text("孙委员")
    expect(page.get_by_role("columnheader", name=t("手机号码"))).to_have_count(0)
    assert reader.phone not in page.content()

    page.context.clear_cookies()
    staff_login(page, staff, language)
    page.goto("/duties/roster/")
    expect(page.get_by_role("columnheader", name=t("手机号码"))).to_be_visible()
    expect(page.get_by_test_id("roster")).to_contain_text(reader.phone)
    with page.expect_download() as download:
        page.get_by_test_id("export-roster").click()
    with open(download.value.path(), "rb") as handle:
        rows = list(load_workbook(io.BytesIO(handle.read())).active.iter_rows(values_only=True))
    assert rows[0][-1] == t("手机号码") and len(rows) == 4


@pytest.mark.parametrize("language", LANGUAGES)
def test_staff_add_a_kind_of_activity_with_its_points(page, organization, language):
    def t(text, **values):
        return tr(language, text, **values)

    staff = make_user(Role.COMMITTEE_STAFF, organization, username="committee", name="赵工作", language=language)
    staff_login(page, staff, language)
    page.get_by_role("navigation").get_by_role("link", name=t("履职活动"), exact=True).click()
    page.get_by_test_id("activity-kinds").click()
    page.get_by_test_id("kind-new").click()
    form = page.get_by_test_id("kind-form")
    form.get_by_label(t("类型标识")).fill("flood_control")
    name = re.compile(rf"^{re.escape(t('名称'))}[:：]?$")  # the label's own text and its suffix, not 英文名称
    form.get_by_label(name).fill("防汛督导")
    form.get_by_label(t("设督导组/调研组")).check()
    form.get_by_label(t("记录走访（视察、调研、督导）")).check()
    form.get_by_label(t("参加积分")).fill("3")
    form.get_by_label(t("组织/带队积分")).fill("4.55")
    form.get_by_role("button", name=t("保存")).click()
    expect(page.get_by_test_id("kind-form")).to_contain_text(t("请填写不超过 9999.9、最多一位小数的数字。"))
    expect(page.get_by_label(name)).to_have_value("防汛督导")
    assert not ActivityKind.objects.filter(organization=organization).exists()
    page.get_by_label(t("组织/带队积分")).fill("4.5")
    page.get_by_test_id("kind-form").get_by_role("button", name=t("保存")).click()
    row = page.get_by_test_id("kinds").locator('tr[data-kind="flood_control"]')
    expect(row).to_contain_text("防汛督导")
    expect(row).to_contain_text("4.5")
    assert DutyRule.objects.get(organization=organization, key="activity_flood_control").points == 3
