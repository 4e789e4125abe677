from django.urls import path

from . import views

app_name = "duties"
urlpatterns = [
    path("", views.my_record_view, name="mine"),
    path("export/", views.file_export_view, name="mine_export"),
    path("members/<int:user_id>/", views.member_file_view, name="member"),
    path("members/<int:user_id>/export/", views.file_export_view, name="member_export"),
    path("roster/", views.roster_view, name="roster"),
    path("ranking/", views.ranking_view, name="ranking"),
    path("shortfalls/", views.shortfalls_view, name="shortfalls"),
    path("rules/", views.rules_view, name="rules"),
    path("rules/<slug:key>/", views.rule_edit_view, name="rule_edit"),
    path("reports/", views.reports_view, name="reports"),
    path("reports/<int:pk>/", views.report_view, name="report"),
    path("reports/<int:pk>/do/<slug:action>/", views.report_action_view, name="report_action"),
    path("reports/<int:pk>/file/<slug:kind>/", views.report_document_view, name="report_document"),
]
