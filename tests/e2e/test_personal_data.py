"""Browser test of personal data (PIPL, decision 0032), in Chinese and in English: a resident opens 我的个人信息 from
the header, sees what is held about him, downloads the zip (his topic is in it), asks for deletion (a wrong password
refused first, nothing asked); the security administrator finds the request on his workbench and carries it out;
the resident can no longer sign in, and his topic still shows its text, raised by 已注销用户."""

import io
import json
import re
import zipfile

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login
from tests.e2e.test_activities import LANGUAGES, staff_login, tr
from tests.factories import PASSWORD, CommunityFactory, make_user
from xieshang.accounts.models import DataRequest, Role, User
from xieshang.consultations import services


@pytest.fixture(autouse=True)
def _defaults(db):
    """live_server tests flush the database between tests, data migrations included: install our defaults again."""
    from xieshang.consultations.workflows import WORKFLOWS
    from xieshang.workflow.definitions import install_workflow

    for definition in WORKFLOWS:
        install_workflow(definition, overwrite=False)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_resident_downloads_his_data_asks_for_deletion_and_the_security_admin_carries_it_out(
    page, browser, live_server, organization, language, axe
):
    def t(text, **values):
        return tr(language, text, **values)

    understood = t("我已了解：删除后账户停用，不能再登录；我提出的议题和留言保留内容，但不再显示我的姓名。")

    staff = make_user(Role.COMMITTEE_STAFF, organization, username="committee", name="赵工作")
    convener = make_user(Role.CITIZEN, organization, username="convener", name="王召集")
    room = services.room_create(
        actor=staff, community=CommunityFactory(organization=organization, name="黄河路社区"), convener=convener
    )
    resident = make_user(
        Role.CITIZEN, organization, username="resident", name="钱多多", phone="13911112222", language=language
    )
    neighbour = make_user(Role.CITIZEN, organization, username="neighbour", name="孙邻居", language=language)
    topic = services.topic_raise(
        actor=resident, room=room, title="小区门口路灯坏了", body="路灯坏了三个月，晚上出行不便。"
    )
    services.topic_support(actor=neighbour, topic=topic)
    secadmin = make_user(Role.SECURITY_ADMIN, organization, username="secadmin", name="周安全", language=language)

    # The resident: header → 我的个人信息; what is held, by category.
    rcontext = browser.new_context(base_url=live_server.url, locale="zh-CN", accept_downloads=True)
    rpage = rcontext.new_page()
    login(rpage, "resident", PASSWORD)
    rpage.get_by_test_id("my-data").click()
    expect(rpage.get_by_role("heading", name=t("我的个人信息"), level=1)).to_be_visible()
    expect(rpage.locator('[data-category="account"]')).to_contain_text("13911112222")
    expect(rpage.locator('[data-category="room_topics"]')).to_contain_text("小区门口路灯坏了")
    assert axe(rpage) == []

    # The download: a zip whose room_topics.json holds his topic.
    with rpage.expect_download() as download:
        rpage.get_by_test_id("download").click()
    with open(download.value.path(), "rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    topics = json.loads(archive.read("room_topics.json"))
    assert [row["title"] for row in topics] == ["小区门口路灯坏了"]
    assert "README.txt" in archive.namelist()

    # Asking for deletion: a wrong password is refused beside its field, nothing is asked.
    form = rpage.get_by_test_id("deletion-form")
    form.get_by_label(t("当前密码")).fill("not-my-password")
    form.get_by_label(understood).check()
    form.get_by_role("button", name=t("申请删除")).click()
    expect(rpage.locator(".field-error")).to_contain_text(t("密码不正确。"))
    expect(rpage.get_by_test_id("deletion-form").get_by_label(understood)).to_be_checked()
    assert not DataRequest.objects.exists()
    form = rpage.get_by_test_id("deletion-form")
    form.get_by_label(t("当前密码")).fill(PASSWORD)
    form.get_by_role("button", name=t("申请删除")).click()
    expect(rpage.get_by_test_id("deletion-pending")).to_be_visible()
    request = DataRequest.objects.get()
    assert request.status == DataRequest.Status.PENDING

    # The security administrator: the request on his workbench; he carries it out (confirmation first).
    staff_login(page, secadmin, language)
    section = page.locator('[data-section="data_requests"]')
    section.get_by_role("link", name=t("删除个人信息：%(name)s", name="钱多多")).click()
    expect(page.get_by_test_id("data-request-status")).to_have_text(t("待处理"))
    page.get_by_test_id("carry-out-form").get_by_role("button", name=t("执行删除")).click()
    expect(page.locator(".field-error")).to_contain_text(t("请勾选确认。"))
    assert DataRequest.objects.get().status == DataRequest.Status.PENDING
    page.get_by_label(t("我已核对，确认删除该用户的个人信息并停用账户。")).check()
    page.get_by_test_id("carry-out-form").get_by_role("button", name=t("执行删除")).click()
    expect(page.get_by_test_id("data-request-status")).to_have_text(t("已完成"))
    page.goto("/")
    expect(page.locator('[data-section="data_requests"]')).to_contain_text(
        t("没有待办理的删除申请。群众在“我的个人信息”页面申请删除后会出现在这里。")
    )

    # The resident's open tab is signed out; he cannot sign in again, by name or by phone.
    rpage.reload()
    expect(rpage).to_have_url(re.compile(r"/accounts/login/"))
    for identifier in ("resident", "13911112222"):
        rpage.goto("/accounts/login/")
        rpage.get_by_label(t("用户名或手机号")).fill(identifier)
        rpage.get_by_label(t("密码")).fill(PASSWORD)
        rpage.get_by_role("button", name=t("登录")).click()
        expect(rpage).to_have_url(re.compile(r"/accounts/login/"))
        expect(rpage.get_by_test_id("my-data")).to_have_count(0)
    rcontext.close()
    assert not User.objects.filter(phone="13911112222").exists()

    # A neighbour opens the topic: the text stays, raised by 已注销用户, and still counts his support.
    ncontext = browser.new_context(base_url=live_server.url, locale="zh-CN")
    npage = ncontext.new_page()
    login(npage, "neighbour", PASSWORD)
    npage.goto(f"/consultations/topics/{topic.pk}/")
    expect(npage.locator("main")).to_contain_text("路灯坏了三个月，晚上出行不便。")
    expect(npage.locator("main")).to_contain_text(t("已注销用户"))
    expect(npage.locator("main")).not_to_contain_text("钱多多")
    ncontext.close()
