"""Issue #11 point 3 in the browser: each administrator signs in, lands on his workbench and reaches the pages of his
duty by links (no typed URL)."""

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.e2e.conftest import login
from tests.factories import PASSWORD, make_user
from xieshang.accounts.models import Role

JOURNEYS = {
    Role.SYSTEM_ADMIN: [("流程配置", "/admin/workflow/workflow/"), ("工作日历", "/admin/workflow/calendarday/")],
    Role.SECURITY_ADMIN: [("账户", "/admin/accounts/user/"), ("安全策略", "/admin/accounts/securitypolicy/")],
    Role.AUDIT_ADMIN: [("审计日志", "/audit/")],
}


@pytest.mark.parametrize("role", list(JOURNEYS), ids=[r.value for r in JOURNEYS])
def test_administrator_reaches_his_duty_by_links(page, organization, role):
    user = make_user(role, organization, username="admin1", is_staff=role != Role.AUDIT_ADMIN)
    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(page, "admin1", PASSWORD)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    page.get_by_label("动态验证码").fill(f"{totp.token():0{device.digits}d}")
    page.get_by_role("button", name="验证").click()
    expect(page).to_have_url("/workbench/")
    for label, path in JOURNEYS[role]:
        page.goto("/workbench/")
        page.get_by_role("link", name=label, exact=True).first.click()
        expect(page).to_have_url(path)
        expect(page.locator("body")).not_to_contain_text("你没有查看或编辑的权限")
    assert errors == []
