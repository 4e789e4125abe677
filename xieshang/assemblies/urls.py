from django.urls import path

from . import views

app_name = "assemblies"
urlpatterns = [
    path("", views.session_list, name="list"),
    path("new/", views.session_create, name="create"),
    path("mine/", views.my_sessions, name="mine"),
    path("<int:pk>/", views.session_detail, name="detail"),
    path("<int:pk>/invite/", views.session_invite, name="invite"),
    path("<int:pk>/publish/", views.session_publish, name="publish"),
    path("<int:pk>/close/", views.session_close, name="close"),
    path("<int:pk>/agenda/", views.agenda_add, name="agenda"),
    path("<int:pk>/documents/", views.document_add, name="document"),
    path("<int:pk>/speeches/", views.speech_submit, name="speech"),
    path("<int:pk>/votes/", views.vote_record, name="vote"),
    path("<int:pk>/checkin-code/", views.checkin_code, name="checkin_code"),
    path("documents/<int:pk>/", views.document_download, name="document_download"),
    path("attendances/<int:pk>/leave/", views.request_leave, name="leave"),
    path("attendances/<int:pk>/decide/", views.decide_leave, name="decide_leave"),
    path("attendances/<int:pk>/record/", views.record_attendance, name="attendance"),
    path("speeches/<int:pk>/select/", views.speech_select, name="speech_select"),
    path("speeches/<int:pk>/deliver/", views.speech_deliver, name="speech_deliver"),
    path("checkin/<str:token>/", views.checkin_view, name="checkin"),
]
