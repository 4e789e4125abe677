from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

# The admin carries the platform's name, not "Django 管理" / "Django site admin".
admin.site.site_header = admin.site.site_title = _("政协履职与协商平台")

handler400 = "xieshang.core.views.bad_request_view"
handler500 = "xieshang.core.views.server_error_view"

urlpatterns = [
    path("", include("xieshang.core.urls")),
    path("accounts/tokens/", include("xieshang.api.pages")),  # 接口访问令牌, beside the account pages
    path("accounts/", include("xieshang.accounts.urls")),
    path("audit/", include("xieshang.audit.urls")),
    path("notifications/", include("xieshang.notifications.urls")),
    path("api/", include("xieshang.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

for app in (
    "workflow",
    "proposals",
    "opinions",
    "consultations",
    "deliberation",
    "duties",
    "activities",
    "assemblies",
    "registers",
    "announcements",
    "search",
    "moderation",
    "stats",
):
    # Domain apps mount themselves when they have pages; an app without urls.py is simply not mounted.
    try:
        __import__(f"xieshang.{app}.urls")
    except ModuleNotFoundError as exc:
        if exc.name != f"xieshang.{app}.urls":
            raise
        continue
    urlpatterns.append(path(f"{app}/", include(f"xieshang.{app}.urls")))

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
