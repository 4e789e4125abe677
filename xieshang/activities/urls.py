from django.urls import path

from . import views, views_studios, views_visits

app_name = "activities"
urlpatterns = [
    path("", views.activity_list, name="list"),
    path("new/", views.activity_create, name="create"),
    path("mine/", views.my_activities, name="mine"),
    path("<int:pk>/", views.activity_detail, name="detail"),
    path("<int:pk>/invite/", views.activity_invite, name="invite"),
    path("<int:pk>/publish/", views.activity_publish, name="publish"),
    path("<int:pk>/held/", views.activity_mark_held, name="held"),
    path("<int:pk>/close/", views.activity_close, name="close"),
    path("<int:pk>/cancel/", views.activity_cancel, name="cancel"),
    path("<int:pk>/outputs/", views.activity_output, name="output"),
    path("<int:pk>/attendance-import/", views.attendance_import, name="attendance_import"),
    path("<int:pk>/checkin-code/", views.checkin_code, name="checkin_code"),
    path("participations/<int:pk>/signup/", views.sign_up, name="sign_up"),
    path("participations/<int:pk>/leave/", views.request_leave, name="leave"),
    path("participations/<int:pk>/decide/", views.decide_leave, name="decide_leave"),
    path("participations/<int:pk>/attendance/", views.record_attendance, name="attendance"),
    path("participations/<int:pk>/amounts/", views.record_amounts, name="amounts"),
    path("checkin/<str:token>/", views.checkin_view, name="checkin"),
    path("<int:pk>/groups/new/", views_visits.group_new, name="group_new"),
    path("<int:pk>/visits/new/", views_visits.visit_new, name="visit_new"),
    path("visits/<int:pk>/", views_visits.visit_detail, name="visit"),
    path("visits/<int:pk>/recommend/", views_visits.visit_recommend, name="visit_recommend"),
    path("experts/", views_visits.experts, name="experts"),
    path("studios/", views_studios.studio_list, name="studios"),
    path("studios/<int:pk>/", views_studios.studio_detail, name="studio"),
    path("receptions/<int:pk>/", views_studios.reception_detail, name="reception"),
    path("receptions/<int:pk>/book/", views_studios.reception_book, name="book"),
    path("receptions/<int:pk>/issues/", views_studios.issue_add, name="issue_add"),
    path("bookings/<int:pk>/cancel/", views_studios.booking_cancel, name="booking_cancel"),
    path("issues/<int:pk>/turn/", views_studios.issue_turn, name="issue_turn"),
]
