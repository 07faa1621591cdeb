from django.urls import path

from xinfang.early_warnings.views import alerts, briefings, hot_issues, registers

app_name = "early_warnings"
urlpatterns = [
    path("petitions/<int:pk>/similar/", alerts.similar_panel, name="similar_panel"),
    path("alerts/", alerts.alert_list, name="alert_list"),
    path("alerts/<int:pk>/", alerts.alert_detail, name="alert_detail"),
    path("alerts/<int:pk>/acknowledge/", alerts.alert_acknowledge, name="alert_acknowledge"),
    path("alerts/<int:pk>/act/", alerts.alert_act, name="alert_act"),
    path("alerts/<int:pk>/close/", alerts.alert_close, name="alert_close"),
    path("disputes/", registers.dispute_list, name="dispute_list"),
    path("disputes/new/", registers.dispute_create, name="dispute_create"),
    path("disputes/<int:pk>/", registers.dispute_detail, name="dispute_detail"),
    path("disputes/<int:pk>/edit/", registers.dispute_edit, name="dispute_edit"),
    path("disputes/<int:pk>/visits/", registers.dispute_visit, name="dispute_visit"),
    path("disputes/<int:pk>/petitions/", registers.dispute_link, name="dispute_link"),
    path("key-persons/", registers.key_person_list, name="key_person_list"),
    path("key-persons/new/", registers.key_person_create, name="key_person_create"),
    path("key-persons/<int:pk>/", registers.key_person_detail, name="key_person_detail"),
    path("key-persons/<int:pk>/edit/", registers.key_person_edit, name="key_person_edit"),
    path("key-persons/<int:pk>/contacts/", registers.key_person_contact, name="key_person_contact"),
    path("key-persons/<int:pk>/confirm/", registers.key_person_confirm, name="key_person_confirm"),
    path("disputes/screening/", registers.screening, name="screening"),
    path("projects/", registers.project_list, name="project_list"),
    path("projects/new/", registers.project_create, name="project_create"),
    path("projects/<int:pk>/", registers.project_detail, name="project_detail"),
    path("projects/<int:pk>/petitions/", registers.project_link, name="project_link"),
    path("periods/", registers.period_list, name="period_list"),
    path("briefings/", briefings.briefing_list, name="briefing_list"),
    path("briefings/generate/", briefings.briefing_generate, name="briefing_generate"),
    path("briefings/<int:pk>/", briefings.briefing_detail, name="briefing_detail"),
    path("briefings/<int:pk>/pdf/", briefings.briefing_pdf, name="briefing_pdf"),
    path("hot-issues/", hot_issues.hot_issue_list, name="hot_issue_list"),
]
