from django.urls import path

from . import views

app_name = "duties"
urlpatterns = [
    path("", views.my_record_view, name="mine"),
]
