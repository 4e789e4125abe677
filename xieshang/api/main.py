"""The public REST API: one NinjaAPI, one router per app; the OpenAPI schema is served at /api/openapi.json."""

from typing import Any

from ninja import NinjaAPI

from xieshang.consultations import api as consultations_api
from xieshang.core.apidocs import VendoredSwagger
from xieshang.deliberation import api as deliberation_api
from xieshang.opinions import api as opinions_api
from xieshang.proposals import api as proposals_api
from xieshang.search import api as search_api

from . import accounts as accounts_api
from . import errors
from . import notifications as notifications_api
from . import stats as stats_api
from .auth import AUTH


class XieshangAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        """Every operation documents the error answers (errors.document), for every router alike."""
        return errors.document(super().get_openapi_schema(*args, **kwargs))


api = XieshangAPI(
    title="Xieshang API",
    version="1",
    description=(
        "协商平台接口：提案、社情民意、协商、意见地图与统计。Authentication: a personal access token "
        "(`Authorization: Bearer xst_…`, created on the account page 接口访问令牌, scoped and expiring), or the "
        "browser session with CSRF."
    ),
    auth=AUTH,
    urls_namespace="api",
    docs=VendoredSwagger(),  # Swagger UI from static/vendor, CSP-clean (no CDN, no inline script)
)


# Workflow refusals, PermissionDenied, ValidationError and Http404 become 403/404/409/422 here, once for every router.
errors.register(api)


api.add_router("/accounts/", accounts_api.router)
api.add_router("/notifications/", notifications_api.router)
api.add_router("/consultations/", consultations_api.router)
api.add_router("/deliberation/", deliberation_api.router)
api.add_router("/opinions/", opinions_api.router)
api.add_router("/proposals/", proposals_api.router)
api.add_router("/search/", search_api.router)
api.add_router("/stats/", stats_api.router)
