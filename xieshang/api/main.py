"""The public REST API: one NinjaAPI, one router per app; the OpenAPI schema is served at /api/openapi.json."""

from django.core.exceptions import PermissionDenied, ValidationError
from ninja import NinjaAPI
from ninja.security import django_auth

from xieshang.consultations import api as consultations_api
from xieshang.core.apidocs import VendoredSwagger
from xieshang.deliberation import api as deliberation_api
from xieshang.opinions import api as opinions_api
from xieshang.proposals import api as proposals_api
from xieshang.search import api as search_api

from . import accounts as accounts_api
from . import notifications as notifications_api

api = NinjaAPI(
    title="Xieshang API",
    version="1",
    description="协商平台接口：提案、社情民意、协商、意见地图与统计。Session authentication with CSRF.",
    auth=django_auth,
    urls_namespace="api",
    docs=VendoredSwagger(),  # Swagger UI from static/vendor, CSP-clean (no CDN, no inline script)
)


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    return api.create_response(request, {"detail": str(exc) or "permission denied"}, status=403)


@api.exception_handler(ValidationError)
def validation_error(request, exc):
    detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
    return api.create_response(request, {"detail": detail}, status=422)


api.add_router("/accounts/", accounts_api.router)
api.add_router("/notifications/", notifications_api.router)
api.add_router("/consultations/", consultations_api.router)
api.add_router("/deliberation/", deliberation_api.router)
api.add_router("/opinions/", opinions_api.router)
api.add_router("/proposals/", proposals_api.router)
api.add_router("/search/", search_api.router)
