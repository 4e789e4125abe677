"""Browser test of personal access tokens (decision 0035), in Chinese and in English: a member opens 我的个人信息 from
the header, goes to 接口访问令牌, creates a token for his assistant program (a missing scope refused first, what he
typed kept), sees the secret once, the API answers with it (within its scopes only); he revokes it and the API
refuses it."""

import json
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import login
from tests.e2e.test_activities import LANGUAGES, tr
from tests.factories import PASSWORD, make_user
from xieshang.accounts.models import Role
from xieshang.api.models import AccessToken


def call(base, path, secret, method="GET", body=None):
    request = urllib.request.Request(
        base + path,
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310 - the test's own live server
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_member_creates_uses_and_revokes_a_token(page, live_server, organization, language, axe):
    def t(text, **values):
        return tr(language, text, **values)

    member = make_user(Role.MEMBER, organization, username="weiyuan", name="李委员", language=language)
    login(page, "weiyuan", PASSWORD)
    page.get_by_test_id("my-data").click()
    page.get_by_test_id("api-tokens").click()
    expect(page.get_by_role("heading", name=t("接口访问令牌"), level=1)).to_be_visible()
    expect(page.get_by_test_id("token-list")).to_contain_text(t("您还没有令牌。"))

    # No scope chosen: refused beside the field, the purpose kept.
    form = page.get_by_test_id("token-form")
    form.get_by_label(t("用途")).fill("履职助手")
    form.get_by_label(t("有效期")).select_option(label=t("30 天"))
    form.get_by_role("button", name=t("创建令牌")).click()
    expect(page.locator(".field-error")).to_contain_text(t("请至少选择一项权限范围。"))
    form = page.get_by_test_id("token-form")
    expect(form.get_by_label(t("用途"))).to_have_value("履职助手")

    proposals_read = t("%(area)s：只读", area=t("提案"))
    notifications_write = t("%(area)s：读写", area=t("消息通知"))
    form.get_by_label(proposals_read, exact=True).check()
    form.get_by_label(notifications_write, exact=True).check()
    form.get_by_role("button", name=t("创建令牌")).click()

    # The secret, once.
    secret = page.get_by_test_id("token-secret").inner_text().strip()
    assert secret.startswith("xst_")
    row = page.locator(f'[data-token="{secret[:12]}"]')
    expect(row).to_contain_text("履职助手")
    expect(row).to_contain_text(t("有效"))
    assert axe(page) == []
    page.reload()
    expect(page.get_by_test_id("token-secret")).to_have_count(0)
    assert secret not in page.content()

    # The API answers with it, as him, within its scopes.
    status, me = call(live_server.url, "/api/accounts/me", secret)
    assert status == 403 and me["code"] == "insufficient_scope"  # accounts not granted
    status, listing = call(live_server.url, "/api/proposals/", secret)
    assert status == 200, listing
    status, marked = call(live_server.url, "/api/notifications/read", secret, method="POST", body={})
    assert status == 200 and marked == {"marked": 0}
    status, refused = call(live_server.url, "/api/proposals/1/comments", secret, method="POST", body={"text": "x"})
    assert status == 403 and refused["code"] == "insufficient_scope"
    page.reload()
    expect(page.locator(f'[data-token="{secret[:12]}"] td').nth(4)).not_to_have_text("—")  # last used

    # He revokes it; the API refuses it from then on.
    page.get_by_role("button", name=t("撤销令牌“%(name)s”", name="履职助手")).click()
    expect(page.get_by_role("status").first).to_contain_text(
        t("令牌“%(name)s”已撤销，使用它的程序将无法再访问。", name="履职助手")
    )
    expect(page.locator(f'[data-token="{secret[:12]}"]')).to_contain_text(t("已撤销"))
    status, body = call(live_server.url, "/api/proposals/", secret)
    assert status == 401 and body["code"] == "token_revoked"
    assert AccessToken.objects.get(user=member).revoked_at is not None
