from django.urls import path

from . import views

app_name = "workflow"
urlpatterns = [
    path("<int:ct>/<int:pk>/<slug:key>/", views.take_transition, name="transition"),
]
