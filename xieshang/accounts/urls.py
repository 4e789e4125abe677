from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change_view, name="password_change"),
    path("register/", views.register_view, name="register"),
    path("register/code/", views.sms_code_view, name="sms_code"),
    path("second-factor/", views.otp_verify_view, name="otp_verify"),
    path("organization/", views.switch_organization_view, name="switch_organization"),
    path("members/search/", views.member_search_view, name="member_search"),
]
