from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("", views.home_view, name="home"),
    path("workbench/", views.workbench_view, name="workbench"),
    path("core/prefs/", views.preferences_view, name="preferences"),
    path("healthz", views.healthz_view, name="healthz"),
]
