"""Issue #11: the components pages share are styled by the one shared sheet, as the user sees them: the statistics'
headline figures (the number above its label, not "71提交（件）" run together), the proposals office's
sub-navigation as pills (not a bullet list), and the room's "取消关注" button inside the page on a phone, in both
languages and care mode."""

import re

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.e2e.conftest import login
from tests.factories import PASSWORD, CommunityFactory, make_user
from xieshang.accounts.models import Role
from xieshang.consultations import services


def _past_second_factor(page, user):
    device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    login(page, user.username, PASSWORD)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    page.get_by_label("动态验证码").fill(f"{totp.token():0{device.digits}d}")
    page.get_by_role("button", name="验证").click()
    expect(page.get_by_label("动态验证码")).to_have_count(0)


def _box(locator):
    box = locator.bounding_box()
    assert box is not None
    return box


def _figures_and_tabs(page):
    page.goto("/proposals/stats/")
    figure = page.locator('.stat:has([data-stat="total"])')
    number, label = _box(figure.locator(".n")), _box(figure)
    assert number["y"] + number["height"] < label["y"] + label["height"] - 8, "the label goes under the number"
    assert float(page.evaluate("parseFloat(getComputedStyle(document.querySelector('.stat .n')).fontSize)")) >= 24
    page.goto("/proposals/staff/")
    tabs = page.locator("ul.tabs")
    assert tabs.evaluate("e => getComputedStyle(e).listStyleType") == "none"
    assert tabs.evaluate("e => getComputedStyle(e).display") == "flex"
    current = tabs.locator('a[aria-current="page"]')
    assert current.evaluate("e => getComputedStyle(e).backgroundColor") not in ("rgba(0, 0, 0, 0)", "transparent")


def test_headline_figures_and_staff_tabs(page, organization, axe):
    staff = make_user(Role.PROPOSALS_STAFF, organization, username="pstaff")
    _past_second_factor(page, staff)
    _figures_and_tabs(page)
    assert axe(page) == []
    page.get_by_test_id("language").click()
    _figures_and_tabs(page)
    page.get_by_test_id("care").click()
    expect(page.locator("body")).to_have_class(re.compile(r"\bcare\b"))
    _figures_and_tabs(page)
    assert axe(page) == []


def _follow_button_fits(page, room, name):
    for url in (room.get_absolute_url(), room.get_public_url()):
        page.goto(url)
        button = page.get_by_role("button", name=name)
        box = _box(button)
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, url
        assert box["height"] >= 36, "a target large enough to touch"
        assert button.evaluate("e => parseFloat(getComputedStyle(e).paddingLeft)") >= 8
        assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_room_follow_button_stays_inside_on_a_phone(phone_page, organization, axe):
    staff = make_user(Role.COMMITTEE_STAFF, organization, username="committee")
    convener = make_user(Role.CITIZEN, organization, username="convener")
    make_user(Role.CITIZEN, organization, username="resident")
    community = CommunityFactory(organization=organization, name="黄河路社区")
    room = services.room_create(actor=staff, community=community, convener=convener)
    page = phone_page
    login(page, "resident", PASSWORD)
    page.goto(room.get_absolute_url())
    page.get_by_role("button", name="关注议事室").click()
    _follow_button_fits(page, room, "取消关注")
    assert axe(page) == []
    page.get_by_test_id("menu-toggle").click()
    page.get_by_test_id("language").click()
    _follow_button_fits(page, room, "Unfollow")
    page.get_by_test_id("menu-toggle").click()
    page.get_by_test_id("care").click()
    _follow_button_fits(page, room, "Unfollow")
    assert axe(page) == []
