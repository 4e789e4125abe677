from django.urls import path

from . import views

app_name = "announcements"

urlpatterns = [
    path("", views.announcement_list, name="list"),
    path("new/", views.announcement_new, name="new"),
    path("mine/", views.announcement_mine, name="mine"),
    path("<int:pk>/", views.announcement_detail, name="detail"),
    path("<int:pk>/edit/", views.announcement_edit, name="edit"),
    path("<int:pk>/publish/", views.announcement_publish, name="publish"),
    path("<int:pk>/remind/", views.announcement_remind, name="remind"),
]
