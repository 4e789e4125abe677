from django.urls import path

from . import views

app_name = "moderation"
urlpatterns = [
    path("", views.queue_view, name="queue"),
    path("<str:key>/<int:pk>/", views.decide_view, name="decide"),
    path("blocklist/", views.blocklist_view, name="blocklist"),
    path("mode/", views.mode_view, name="mode"),
]
