from django.urls import path

from xinfang.early_warnings import hot_views, views

app_name = "early_warnings"
urlpatterns = [
    path("petitions/<int:pk>/similar/", views.similar_panel, name="similar_panel"),
    path("alerts/", views.alert_list, name="alert_list"),
    path("alerts/<int:pk>/", views.alert_detail, name="alert_detail"),
    path("alerts/<int:pk>/acknowledge/", views.alert_acknowledge, name="alert_acknowledge"),
    path("alerts/<int:pk>/act/", views.alert_act, name="alert_act"),
    path("alerts/<int:pk>/close/", views.alert_close, name="alert_close"),
    path("disputes/", views.dispute_list, name="dispute_list"),
    path("disputes/new/", views.dispute_create, name="dispute_create"),
    path("disputes/<int:pk>/", views.dispute_detail, name="dispute_detail"),
    path("disputes/<int:pk>/edit/", views.dispute_edit, name="dispute_edit"),
    path("disputes/<int:pk>/visits/", views.dispute_visit, name="dispute_visit"),
    path("disputes/<int:pk>/petitions/", views.dispute_link, name="dispute_link"),
    path("key-persons/", views.key_person_list, name="key_person_list"),
    path("key-persons/new/", views.key_person_create, name="key_person_create"),
    path("key-persons/<int:pk>/", views.key_person_detail, name="key_person_detail"),
    path("key-persons/<int:pk>/edit/", views.key_person_edit, name="key_person_edit"),
    path("key-persons/<int:pk>/contacts/", views.key_person_contact, name="key_person_contact"),
    path("key-persons/<int:pk>/confirm/", views.key_person_confirm, name="key_person_confirm"),
    path("disputes/screening/", views.screening, name="screening"),
    path("projects/", views.project_list, name="project_list"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/petitions/", views.project_link, name="project_link"),
    path("periods/", views.period_list, name="period_list"),
    path("briefings/", views.briefing_list, name="briefing_list"),
    path("briefings/generate/", views.briefing_generate, name="briefing_generate"),
    path("briefings/<int:pk>/", views.briefing_detail, name="briefing_detail"),
    path("briefings/<int:pk>/pdf/", views.briefing_pdf, name="briefing_pdf"),
    path("hot-issues/", hot_views.hot_issue_list, name="hot_issue_list"),
]
