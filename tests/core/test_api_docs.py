"""Issue #11 point 7: /api/docs is served from vendored Swagger UI, with no CDN and no inline script (the CSP)."""

import re

from django.contrib.staticfiles import finders


def test_api_docs_reference_only_local_static_files(client, db):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls and all(url.startswith("/static/") for url in urls), urls
    assert "cdn" not in html.lower() and "unpkg" not in html and "jsdelivr" not in html
    for url in urls:
        assert finders.find(url.removeprefix("/static/")), url
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in urls and "/static/js/swagger-init.js" in urls


def test_api_docs_page_has_no_inline_script(client, db):
    html = client.get("/api/docs").content.decode()
    for tag, body in re.findall(r"(<script[^>]*>)(.*?)</script>", html, re.DOTALL):
        assert 'src="' in tag or 'type="application/json"' in tag, tag
        if 'src="' in tag:
            assert not body.strip()
    assert "/api/openapi.json" in html  # the settings block names the schema


def test_swagger_init_script_and_pinned_version():
    import json
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    assert "SwaggerUIBundle" in Path(finders.find("js/swagger-init.js")).read_text()
    pinned = json.loads((root / "package.json").read_text())["dependencies"]["swagger-ui-dist"]
    assert f"swagger-ui-dist {pinned}" in (root / "xieshang/static/vendor/VERSIONS").read_text()
