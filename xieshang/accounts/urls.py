from django.urls import path

from . import views, views_personal_data, views_recovery

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("login/sms/", views_recovery.login_sms_view, name="login_sms"),
    path("logout/", views.logout_view, name="logout"),
    path("password/reset/", views_recovery.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", views_recovery.PasswordResetSentView.as_view(), name="password_reset_sent"),
    path("password/reset/sms/", views_recovery.password_reset_sms_view, name="password_reset_sms"),
    path(
        "password/reset/<uidb64>/<token>/",
        views_recovery.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("password/", views.password_change_view, name="password_change"),
    path("register/", views.register_view, name="register"),
    path("register/code/", views.sms_code_view, name="sms_code"),
    path("second-factor/", views.otp_verify_view, name="otp_verify"),
    path("organization/", views.switch_organization_view, name="switch_organization"),
    path("members/search/", views.member_search_view, name="member_search"),
    path("my-data/", views_personal_data.personal_data_view, name="personal_data"),
    path("my-data/download/", views_personal_data.personal_data_download, name="personal_data_download"),
    path("my-data/delete/", views_personal_data.deletion_request_view, name="deletion_request"),
    path("my-data/withdraw/", views_personal_data.deletion_withdraw_view, name="deletion_withdraw"),
    path("data-requests/<int:pk>/", views_personal_data.data_request_view, name="data_request"),
]
