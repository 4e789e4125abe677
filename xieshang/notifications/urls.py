from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("", views.inbox_view, name="inbox"),
    path("read/", views.mark_read_view, name="mark_read"),
    path("preferences/", views.preferences_view, name="preferences"),
    path("sms/", views.sms_log_view, name="sms_log"),
    path("sms/inbound/", views.sms_inbound_view, name="sms_inbound"),
    path("follows/", views.follows_view, name="follows"),
    path("follow/<slug:kind>/<int:pk>/", views.follow_view, name="follow"),
    path("unsubscribe/<str:token>/", views.unsubscribe_view, name="unsubscribe"),
]
