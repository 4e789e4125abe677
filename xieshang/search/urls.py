from django.urls import path

from . import views

app_name = "search"

urlpatterns = [
    path("", views.search_view, name="search"),
    path("public/", views.public_search_view, name="public"),
    path("dictionary/", views.dictionary_view, name="dictionary"),
    path("dictionary/<int:pk>/delete/", views.dictionary_delete_view, name="dictionary_delete"),
]
