"""The API docs page (/api/docs) from vendored Swagger UI: no CDN (the CSP allows only our own origin, and an
offline government network reaches none), no inline script (the settings travel as JSON, a static file starts the UI).
Swagger UI is pinned in package.json and copied into static/vendor/swagger-ui by scripts/vendor_static.sh."""

from __future__ import annotations

from typing import Any

from django.shortcuts import render
from ninja.openapi.docs import Swagger, _csrf_needed


class VendoredSwagger(Swagger):
    template = "api/docs.html"

    def render_page(self, request: Any, api: Any, **kwargs: Any) -> Any:
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        context = {"swagger_settings": settings, "api": api, "add_csrf": _csrf_needed(api)}
        return render(request, self.template, context)
