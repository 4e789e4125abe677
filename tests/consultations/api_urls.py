"""The API with this app's router, for tests until xieshang/api/main.py mounts it."""

from django.urls import include, path
from ninja import NinjaAPI
from ninja.security import django_auth

from xieshang.api import main
from xieshang.consultations.api import router

if any(prefix == "/consultations/" for prefix, _ in main.api._routers):
    api = main.api
else:
    api = NinjaAPI(title="test", auth=django_auth, urls_namespace="capi")
    api.add_router("/consultations/", router)
    api.exception_handler(main.PermissionDenied)(main.permission_denied)
    api.exception_handler(main.ValidationError)(main.validation_error)

urlpatterns = [path("api/", api.urls), path("", include("xieshang.urls"))]
