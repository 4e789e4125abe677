"""Issue #11, on a phone (390×844): the page's content starts right below a one-line header, and the menu, folded
behind a "菜单" button, opens by touch and by keyboard, in both languages and in care mode; axe finds nothing
serious either way."""

import re

from playwright.sync_api import expect

from tests.e2e.conftest import login
from tests.factories import PASSWORD


def _content_top(page) -> float:
    return page.evaluate("document.querySelector('main h1').getBoundingClientRect().top")


def _walk(page, axe, *, menu: str, to_do: str, proposals: str):
    expect(page.get_by_role("heading", name=to_do)).to_be_visible()
    assert _content_top(page) < 150, "the content must start in the first 150 px"
    nav = page.locator("nav.main-nav")  # the main menu (the workbench has navigation of its own)
    expect(nav).to_be_hidden()
    toggle = page.get_by_role("button", name=re.compile(menu))
    expect(toggle).to_have_attribute("aria-expanded", "false")
    assert axe(page) == []

    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link", name=proposals, exact=True)).to_be_visible()
    assert axe(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    toggle.click()
    expect(nav).to_be_hidden()

    # By keyboard: Enter opens, Escape closes and gives the focus back to the button.
    toggle.focus()
    page.keyboard.press("Enter")
    expect(nav).to_be_visible()
    page.keyboard.press("Escape")
    expect(nav).to_be_hidden()
    expect(toggle).to_be_focused()
    page.keyboard.press(" ")
    expect(nav).to_be_visible()


def test_phone_shows_content_first_and_the_menu_opens(phone_page, member, axe):
    page = phone_page
    login(page, "member", PASSWORD)
    _walk(page, axe, menu="菜单", to_do="我的待办", proposals="提案")
    page.locator("nav.main-nav").get_by_role("link", name="提案", exact=True).click()
    expect(page).to_have_url(re.compile(r"/proposals/$"))
    assert _content_top(page) < 150

    # English, then care mode (larger type): the preferences are in the opened menu too.
    page.get_by_role("button", name=re.compile("菜单")).click()
    page.get_by_test_id("language").click()
    page.goto("/")
    _walk(page, axe, menu="Menu", to_do="My to-do list", proposals="Proposal")
    page.get_by_test_id("care").click()
    expect(page.locator("body")).to_have_class(re.compile(r"\bcare\b"))
    _walk(page, axe, menu="Menu", to_do="My to-do list", proposals="Proposal")


def test_wide_screen_shows_the_menu_without_a_button(page, member):
    login(page, "member", PASSWORD)
    expect(page.locator("nav.main-nav").get_by_role("link", name="提案", exact=True)).to_be_visible()
    expect(page.get_by_test_id("menu-toggle")).to_be_hidden()
    # A member's fourteen menu entries may wrap to a second line on a 1280 px screen, never more.
    assert _content_top(page) < 200
