from django.urls import path

from . import views

app_name = "registers"

urlpatterns = [
    path("party-reports/", views.party_reports, name="party_reports"),
    path("party-reports/<int:pk>/", views.party_report, name="party_report"),
    path("matters/", views.matters, name="matters"),
    path("visitor-groups/", views.visitor_groups, name="visitor_groups"),
]
