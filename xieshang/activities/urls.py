from django.urls import path

from . import views

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
    path("checkin/<str:token>/", views.checkin, name="checkin"),
]
