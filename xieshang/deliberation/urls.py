from django.urls import path

from . import views

app_name = "deliberation"
urlpatterns = [
    path("", views.conversation_list, name="list"),
    path("new/", views.conversation_create, name="create"),
    path("import/", views.import_polis, name="import_new"),
    path("<int:pk>/", views.conversation_detail, name="detail"),
    path("<int:pk>/vote/", views.vote, name="vote"),
    path("<int:pk>/statements/", views.statement_add, name="statement_add"),
    path("<int:pk>/map/", views.map_view, name="map"),
    path("<int:pk>/map/status/", views.map_status, name="map_status"),
    path("<int:pk>/map/recompute/", views.map_recompute, name="map_recompute"),
    path("<int:pk>/moderate/", views.moderate, name="moderate"),
    path("<int:pk>/settings/", views.conversation_settings, name="settings"),
    path("<int:pk>/import/", views.import_polis, name="import_into"),
    path("<int:pk>/export.zip", views.export_zip, name="export_zip"),
    path("<int:pk>/export/<str:name>", views.export_file, name="export_file"),
]
