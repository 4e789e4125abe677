"""Defects the journeys' guard found on every page, each with its own test."""

from playwright.sync_api import expect


def test_htmx_injects_no_inline_style_against_the_csp(page):
    """htmx added its indicator style as an inline <style>, which the CSP (style-src 'self') refused with a console
    error on every page; the style is in the stylesheet and htmx is told not to inject it."""
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    page.wait_for_function("window.htmx !== undefined")
    assert errors == []
    opacity = page.evaluate(
        "() => { const el = document.createElement('span'); el.className = 'htmx-indicator';"
        " document.body.append(el); return getComputedStyle(el).opacity; }"
    )
    assert opacity == "0"


def test_link_buttons_keep_their_contrast_in_care_mode(page, axe):
    """Care mode's dark-blue link colour also painted the text of links styled as buttons (white on red), dark blue on
    red: axe's colour-contrast rule failed on every page with such a button."""
    page.goto("/")
    page.get_by_test_id("care").click()
    expect(page.get_by_test_id("care")).to_have_attribute("aria-pressed", "true")
    login = page.locator("main a.button").first
    expect(login).to_have_css("color", "rgb(255, 255, 255)")
    assert [v for v in axe(page) if v["id"] == "color-contrast"] == []
