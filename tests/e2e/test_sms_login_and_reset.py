"""Browser tests of sign-in by SMS code and the forgotten password (decision 0036), in Chinese and in English: a member
signs in with the code the test gateway recorded, a staff account gets no code (the page says staff cannot, his phone
says why); a member resets his password by an e-mailed link (the live server's locmem outbox) and by an SMS code; a
staff member who resets by SMS still meets the second factor."""

import re

import pytest
from django.core import mail
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.e2e.test_activities import LANGUAGES, tr
from tests.factories import make_user
from xieshang.accounts.models import Role, SmsCode
from xieshang.audit.models import AuditEntry
from xieshang.notifications.models import SmsMessage

NEW_PASSWORD = "Huanghe-Road-2027"


def code_sent_to(phone):
    message = SmsMessage.objects.filter(phone=phone).order_by("-pk").first()
    return re.search(r"\d{6}", message.text).group()


def anonymous_page(browser, live_server, language):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    context.add_cookies([{"name": "xieshang_language", "value": language, "url": live_server.url}])
    context.set_default_timeout(15000)
    return context, context.new_page()


def just(label):
    """A field's label exactly (Django adds a colon after it): "新密码" but not "再次输入新密码"."""
    return re.compile(rf"^{re.escape(label)}\s*[:：]?$")


def password_login(page, t, username, password):
    page.goto("/accounts/login/")
    page.get_by_label(t("用户名或手机号")).fill(username)
    page.get_by_label(just(t("密码"))).fill(password)
    page.locator("main form").get_by_role("button", name=t("登录"), exact=True).click()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_member_signs_in_by_sms_code_and_staff_are_refused(browser, live_server, organization, language, axe):
    def t(text, **values):
        return tr(language, text, **values)

    member = make_user(
        Role.MEMBER, organization, username="member", name="孙委员", phone="13900000031", language=language
    )
    staff = make_user(
        Role.PROPOSALS_STAFF, organization, username="staff", name="赵工作", phone="13900000032", language=language
    )

    # The member: the login page → 短信验证码登录 → his phone → the code by SMS → signed in, no second factor.
    context, page = anonymous_page(browser, live_server, language)
    page.goto("/accounts/login/")
    page.get_by_test_id("login-sms").click()
    expect(page.get_by_role("heading", name=t("短信验证码登录"), level=1)).to_be_visible()
    form = page.get_by_test_id("sms-login-form")
    form.get_by_label(t("手机号码")).fill(member.phone)
    form.get_by_role("button", name=t("获取短信验证码")).click()
    sent = t("如该手机号已登记在可使用短信验证码的账户上，验证码已发送，%(min)d 分钟内有效。", min=5)
    expect(page.get_by_test_id("sms-status")).to_have_text(sent)
    assert axe(page) == []
    # A wrong code first: refused beside the field, the number kept.
    form.get_by_label(t("短信验证码")).fill("000000" if code_sent_to(member.phone) != "000000" else "111111")
    form.get_by_role("button", name=t("登录"), exact=True).click()
    expect(page.locator(".field-error")).to_contain_text(t("验证码不正确。"))
    expect(form.get_by_label(t("手机号码"))).to_have_value(member.phone)
    form.get_by_label(t("短信验证码")).fill(code_sent_to(member.phone))
    form.get_by_role("button", name=t("登录"), exact=True).click()
    expect(page).to_have_url(re.compile(r"/workbench/"))
    expect(page.locator("header")).to_contain_text("孙委员")
    assert AuditEntry.objects.filter(action="login.sms_succeeded", actor=member).count() == 1
    context.close()

    # The staff member: the same words on the page, no code; his phone tells him to use the password and the
    # authenticator; whatever code he types, he is not signed in.
    context, page = anonymous_page(browser, live_server, language)
    page.goto("/accounts/login/sms/")
    expect(page.locator("main")).to_contain_text(
        t(
            "委员和群众可以用账户登记的手机号接收验证码登录。工作人员账户不能使用短信验证码登录，请使用用户名、密码和动态验证码登录。"
        )
    )
    form = page.get_by_test_id("sms-login-form")
    form.get_by_label(t("手机号码")).fill(staff.phone)
    form.get_by_role("button", name=t("获取短信验证码")).click()
    expect(page.get_by_test_id("sms-status")).to_have_text(sent)
    assert not SmsCode.objects.filter(phone=staff.phone).exists()
    notice = SmsMessage.objects.get(phone=staff.phone).text
    assert notice == t(
        "您的账户为工作人员账户，不能使用短信验证码登录，请使用用户名、密码和动态验证码登录。如非本人操作请忽略。"
    )
    form.get_by_label(t("短信验证码")).fill("123456")
    form.get_by_role("button", name=t("登录"), exact=True).click()
    expect(page.locator(".field-error")).to_contain_text(t("验证码已失效，请重新获取。"))
    expect(page).to_have_url(re.compile(r"/accounts/login/sms/"))
    context.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_forgotten_password_is_reset_by_email_and_by_sms(browser, live_server, organization, language):
    def t(text, **values):
        return tr(language, text, **values)

    member = make_user(
        Role.MEMBER,
        organization,
        username="member",
        name="孙委员",
        phone="13900000041",
        email="sun@example.org",
        language=language,
    )
    staff = make_user(
        Role.PROPOSALS_STAFF, organization, username="staff", name="赵工作", phone="13900000042", language=language
    )
    TOTPDevice.objects.create(user=staff, name="phone", confirmed=True)
    mail.outbox.clear()

    # By e-mail: 忘记密码 → his address → the link in the mail → a new password → the sign-in page → signed in.
    context, page = anonymous_page(browser, live_server, language)
    page.goto("/accounts/login/")
    page.get_by_test_id("forgot-password").click()
    page.get_by_label(t("电子邮箱")).fill("sun@example.org")
    page.get_by_role("button", name=t("发送重设链接")).click()
    expect(page.get_by_test_id("reset-sent")).to_be_visible()
    assert [m.to for m in mail.outbox] == [["sun@example.org"]]
    assert mail.outbox[0].subject == t("重设您在协商平台的密码")
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", mail.outbox[0].body).group(1)
    page.goto(link)
    form = page.get_by_test_id("reset-confirm-form")
    form.get_by_label(just(t("新密码"))).fill(NEW_PASSWORD)
    form.get_by_label(t("再次输入新密码")).fill(NEW_PASSWORD)
    form.get_by_role("button", name=t("重设密码")).click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.locator("main")).to_contain_text(t("密码已重设，请用新密码登录。"))
    # The link works once.
    page.goto(link)
    expect(page.get_by_test_id("reset-link-invalid")).to_be_visible()
    password_login(page, t, "member", NEW_PASSWORD)
    expect(page).to_have_url(re.compile(r"/workbench/"))
    context.close()

    # By SMS: 忘记密码 → by phone → the code → a new password → signed in with it.
    context, page = anonymous_page(browser, live_server, language)
    page.goto("/accounts/login/")
    page.get_by_test_id("forgot-password").click()
    page.get_by_test_id("reset-by-sms").click()
    form = page.get_by_test_id("reset-sms-form")
    form.get_by_label(t("手机号码")).fill(member.phone)
    form.get_by_role("button", name=t("获取短信验证码")).click()
    expect(page.get_by_test_id("sms-status")).to_be_visible()
    form.get_by_label(t("短信验证码")).fill(code_sent_to(member.phone))
    form.get_by_label(just(t("新密码"))).fill("Second-Road-2028")
    form.get_by_label(t("再次输入新密码")).fill("Second-Road-2029")
    form.get_by_role("button", name=t("重设密码")).click()
    expect(page.locator(".field-error")).to_contain_text(t("两次输入的新密码不一致。"))
    form.get_by_label(just(t("新密码"))).fill("Second-Road-2028")
    form.get_by_label(t("再次输入新密码")).fill("Second-Road-2028")
    form.get_by_role("button", name=t("重设密码")).click()
    expect(page.locator("main")).to_contain_text(t("密码已重设，请用新密码登录。"))
    password_login(page, t, member.phone, "Second-Road-2028")
    expect(page).to_have_url(re.compile(r"/workbench/"))
    context.close()
    assert AuditEntry.objects.filter(action="password.reset", actor=member).count() == 2

    # A staff member resets by SMS: the new password opens only the second-factor page.
    context, page = anonymous_page(browser, live_server, language)
    page.goto("/accounts/password/reset/sms/")
    form = page.get_by_test_id("reset-sms-form")
    form.get_by_label(t("手机号码")).fill(staff.phone)
    form.get_by_role("button", name=t("获取短信验证码")).click()
    expect(page.get_by_test_id("sms-status")).to_be_visible()
    form.get_by_label(t("短信验证码")).fill(code_sent_to(staff.phone))
    form.get_by_label(just(t("新密码"))).fill(NEW_PASSWORD)
    form.get_by_label(t("再次输入新密码")).fill(NEW_PASSWORD)
    form.get_by_role("button", name=t("重设密码")).click()
    expect(page.locator("main")).to_contain_text(t("密码已重设，请用新密码登录。"))
    password_login(page, t, "staff", NEW_PASSWORD)
    expect(page.get_by_role("heading", name=t("第二因素认证"))).to_be_visible()
    page.goto("/workbench/")
    expect(page).to_have_url(re.compile(r"/accounts/second-factor/"))
    context.close()
