"""Browser test of the deletion request's other ends (decision 0036), in Chinese and in English: a resident who has
forgotten his password asks for deletion confirming with an SMS code, then withdraws the request; the security
administrator refuses another resident's request with a reason, and that resident finds the reason on his page and
in his inbox (and got it by SMS)."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login
from tests.e2e.test_activities import LANGUAGES, staff_login, tr
from tests.factories import PASSWORD, make_user
from xieshang.accounts import personal_data
from xieshang.accounts.models import DataRequest, Role
from xieshang.audit.models import AuditEntry
from xieshang.notifications.models import Notification, SmsMessage


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_resident_asks_by_sms_code_and_withdraws_and_the_security_admin_refuses_another(
    page, browser, live_server, organization, language
):
    def t(text, **values):
        return tr(language, text, **values)

    understood = t("我已了解：删除后账户停用，不能再登录；我提出的议题和留言保留内容，但不再显示我的姓名。")
    resident = make_user(
        Role.CITIZEN, organization, username="resident", name="钱多多", phone="13911112222", language=language
    )
    other = make_user(
        Role.CITIZEN, organization, username="other", name="孙邻居", phone="13911113333", language=language
    )
    secadmin = make_user(Role.SECURITY_ADMIN, organization, username="secadmin", name="周安全", language=language)

    # The resident: 我的个人信息 → tick the confirmation → a code to his phone → the code instead of the password.
    rcontext = browser.new_context(base_url=live_server.url, locale="zh-CN")
    rpage = rcontext.new_page()
    login(rpage, "resident", PASSWORD)
    rpage.get_by_test_id("my-data").click()
    form = rpage.get_by_test_id("deletion-form")
    form.get_by_label(understood).check()
    form.get_by_role("button", name=t("获取短信验证码")).click()
    expect(rpage.get_by_test_id("sms-status")).to_have_text(t("验证码已发送到 %(phone)s。", phone="139****2222"))
    form = rpage.get_by_test_id("deletion-form")
    expect(form.get_by_label(understood)).to_be_checked()
    code = re.search(r"\d{6}", SmsMessage.objects.filter(phone=resident.phone).latest("pk").text).group()
    form.get_by_label(t("短信验证码")).fill(code)
    form.get_by_role("button", name=t("申请删除")).click()
    expect(rpage.get_by_test_id("deletion-pending")).to_be_visible()
    request = DataRequest.objects.get(user=resident)
    assert request.status == DataRequest.Status.PENDING
    assert AuditEntry.objects.get(action="personal_data.deletion_requested").detail == {"confirmed_by": "sms"}

    # He changes his mind: withdrawn, nothing erased, the form offered again.
    rpage.get_by_test_id("withdraw-form").get_by_role("button", name=t("撤回删除申请")).click()
    expect(rpage.get_by_test_id("deletion-closed")).to_be_visible()
    expect(rpage.get_by_test_id("deletion-form")).to_be_visible()
    request.refresh_from_db()
    assert request.status == DataRequest.Status.WITHDRAWN
    rcontext.close()

    # Another resident's request (by password); the security administrator refuses it with a reason.
    refused = personal_data.deletion_request(actor=other, password=PASSWORD)
    staff_login(page, secadmin, language)
    section = page.locator('[data-section="data_requests"]')
    expect(section.get_by_role("link", name=t("删除个人信息：%(name)s", name="钱多多"))).to_have_count(0)
    section.get_by_role("link", name=t("删除个人信息：%(name)s", name="孙邻居")).click()
    decline = page.get_by_test_id("decline-form")
    decline.get_by_role("button", name=t("不予办理")).click()
    expect(page.locator(".field-error")).to_contain_text(t("请写明不予办理的理由，申请人会收到。"))
    assert DataRequest.objects.get(pk=refused.pk).status == DataRequest.Status.PENDING
    reason = "您反映的事项尚在办理中，办结后可再申请。"
    page.get_by_test_id("decline-form").get_by_label(t("不予办理的理由")).fill(reason)
    page.get_by_test_id("decline-form").get_by_role("button", name=t("不予办理")).click()
    expect(page.get_by_test_id("data-request-status")).to_have_text(t("未予办理"))
    expect(page.get_by_test_id("data-request-reason")).to_have_text(reason)
    assert reason in SmsMessage.objects.filter(phone=other.phone).latest("pk").text

    # The other resident reads the reason on his page and in his inbox; his account is untouched.
    ocontext = browser.new_context(base_url=live_server.url, locale="zh-CN")
    opage = ocontext.new_page()
    login(opage, "other", PASSWORD)
    opage.get_by_test_id("my-data").click()
    expect(opage.get_by_test_id("deletion-closed")).to_contain_text(reason)
    note = Notification.objects.get(recipient=other, kind="personal_data.declined")
    assert note.title == t("您的个人信息删除申请未予办理")
    ocontext.close()
