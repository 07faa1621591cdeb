from django.urls import path

from xinfang.petitions import leader_views, paper_views, views

app_name = "petitions"
urlpatterns = [
    path("", views.workbench, name="workbench"),
    path("petitions/", views.petition_list, name="petition_list"),
    path("petitions/new/", views.petition_create, name="petition_create"),
    path("petitions/match/", views.petitioner_match_panel, name="petitioner_match"),
    path("petitions/<int:pk>/", views.petition_detail, name="petition_detail"),
    path("petitions/<int:pk>/act/<str:action>/", views.petition_act, name="petition_act"),
    path("petitions/<int:pk>/attach/", paper_views.petition_attach, name="petition_attach"),
    path(
        "petitions/<int:pk>/attachments/<int:attachment_pk>/",
        paper_views.attachment_download,
        name="attachment_download",
    ),
    path("petitions/<int:pk>/notices/<str:kind>/", paper_views.notice_html, name="notice_html"),
    path("petitions/<int:pk>/notices/<str:kind>.pdf", paper_views.notice_pdf, name="notice_pdf"),
    path("petitions/<int:pk>/receipt/", paper_views.receipt, name="receipt"),
    path("petitioners/<int:pk>/", views.petitioner_detail, name="petitioner_detail"),
    path("leader/", leader_views.leader_cases, name="leader_cases"),
]
