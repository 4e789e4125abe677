from django.urls import path

from . import portal, views

app_name = "consultations"
urlpatterns = [
    path("", views.consultation_list, name="list"),
    path("plan/", views.plan_view, name="plan"),
    path("new/", views.consultation_create, name="create"),
    path("<int:pk>/", views.consultation_detail, name="detail"),
    path("<int:pk>/invite/", views.invite_view, name="invite"),
    path("<int:pk>/register/", views.register_view, name="register"),
    path("<int:pk>/agenda/", views.segment_view, name="segment"),
    path("<int:pk>/minutes/", views.minutes_view, name="minutes"),
    path("<int:pk>/recommendations/", views.recommendation_view, name="recommendation"),
    path("<int:pk>/checkin-code/", views.checkin_code_view, name="checkin_code"),
    path("<int:pk>/live/", views.live_view, name="live"),
    path("<int:pk>/live/feed/", views.live_messages_view, name="live_feed"),
    path("checkin/<str:token>/", views.checkin_view, name="checkin"),
    path("outcomes/", views.outcome_list, name="outcomes"),
    path("outcomes/<int:pk>/", views.outcome_detail, name="outcome"),
    path("outcomes/<int:pk>/progress/", views.progress_view, name="progress"),
    path("outcomes/<int:pk>/rate/", views.rate_view, name="rate"),
    path("rooms/", views.room_list, name="rooms"),
    path("rooms/<int:pk>/", views.room_detail, name="room"),
    path("rooms/<int:pk>/topics/", views.topic_raise_view, name="topic_raise"),
    path("rooms/<int:pk>/follow/", views.follow_view, name="follow"),
    path("topics/<int:pk>/", views.topic_detail, name="topic"),
    path("topics/<int:pk>/support/", views.support_view, name="support"),
    path("topics/<int:pk>/prepare/", views.prepare_view, name="prepare"),
    path("topics/<int:pk>/conversation/", views.conversation_view, name="conversation"),
    path("topics/<int:pk>/outcomes/", views.topic_outcome_view, name="topic_outcome"),
    path("portal/", portal.portal_index, name="portal"),
    path("portal/c/<int:pk>/", portal.public_consultation, name="public_consultation"),
    path("portal/rooms/<int:pk>/", portal.public_room, name="public_room"),
    path("portal/feed/", portal.PortalFeed(), name="feed"),
]
