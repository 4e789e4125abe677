from django.urls import path

from . import views

app_name = "stats"

urlpatterns = [
    path("report/", views.report, name="report"),
    path("report/districts/", views.districts, name="districts"),
    path("report/draft.docx", views.report_docx, name="report_docx"),
    path("report/figures.xlsx", views.report_xlsx, name="report_xlsx"),
    path("figures/<slug:key>/", views.figure, name="figure"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/data.json", views.dashboard_data, name="dashboard_data"),
    path("open-data/", views.open_data, name="open_data"),
    path("open-data/<slug:org>/<int:year>.zip", views.open_data_file, name="open_data_file"),
]
