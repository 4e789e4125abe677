"""Issue #11 point 7: /api/docs shows the API in Chromium under the platform's CSP, with no console error."""

from playwright.sync_api import expect


def test_api_docs_render_under_the_csp(page):
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto("/api/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Xieshang API")
    expect(page.locator(".opblock").first).to_be_visible()
    assert errors == []
