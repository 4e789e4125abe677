from django.urls import path

from . import views

app_name = "api_tokens"
urlpatterns = [
    path("", views.tokens_view, name="list"),
    path("<int:pk>/revoke/", views.revoke_view, name="revoke"),
]
