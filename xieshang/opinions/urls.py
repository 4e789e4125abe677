from django.urls import path

from . import views

app_name = "opinions"
urlpatterns = [
    path("", views.my_reports_view, name="mine"),
    path("new/", views.submit_view, name="submit"),
    path("<int:pk>/", views.detail_view, name="detail"),
    path("<int:pk>/attachments/<int:attachment_id>/", views.attachment_view, name="attachment"),
    path("<int:pk>/edit/", views.edit_view, name="edit"),
    path("<int:pk>/send/", views.send_view, name="send"),
    path("<int:pk>/forward/", views.forward_view, name="forward"),
    path("<int:pk>/instruction/", views.instruction_view, name="instruction"),
    path("<int:pk>/adoption/", views.adoption_view, name="adoption"),
    path("<int:pk>/reply/", views.reply_view, name="reply"),
    path("<int:pk>/do/<slug:key>/", views.transition_view, name="transition"),
    path("desk/", views.desk_view, name="desk"),
    path("issues/", views.issues_view, name="issues"),
    path("issues/<int:pk>/", views.issue_view, name="issue"),
    path("issues/<int:pk>/print/", views.issue_print_view, name="issue_print"),
    path("issues/<int:pk>/word/", views.issue_docx_view, name="issue_docx"),
    path("issues/<int:pk>/pdf/", views.issue_pdf_view, name="issue_pdf"),
    path("inbox/", views.inbox_view, name="inbox"),
    path("forwards/", views.forwards_view, name="forwards"),
    path("stats/", views.stats_view, name="stats"),
]
