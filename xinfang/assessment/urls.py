from django.urls import path

from xinfang.assessment import views

app_name = "assessment"
urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("assessment/cases/", views.kpi_case_list, name="cases"),
    path("assessment/schemes/", views.scheme_list, name="scheme_list"),
    path("assessment/runs/", views.assessment_list, name="assessment_list"),
    path("assessment/runs/new/", views.assessment_run, name="assessment_run"),
    path("assessment/runs/<int:pk>/", views.assessment_detail, name="assessment_detail"),
    path(
        "assessment/runs/<int:pk>/recompute/",
        views.assessment_recompute,
        name="assessment_recompute",
    ),
    path("assessment/runs/<int:pk>/freeze/", views.assessment_freeze, name="assessment_freeze"),
    path("assessment/accountability/", views.accountability_list, name="accountability_list"),
    path(
        "assessment/accountability/new/",
        views.accountability_create,
        name="accountability_create",
    ),
    path(
        "assessment/cases/<int:pk>/accountability/",
        views.case_accountability,
        name="case_accountability",
    ),
    path("assessment/letters/", views.letter_list, name="letter_list"),
    path("assessment/letters/new/", views.letter_create, name="letter_create"),
    path("assessment/letters/<int:pk>/", views.letter_detail, name="letter_detail"),
    path("assessment/letters/<int:pk>/targets/", views.letter_targets, name="letter_targets"),
    path("assessment/letters/<int:pk>/sign/", views.letter_sign, name="letter_sign"),
    path("assessment/letters/<int:pk>/pdf/", views.letter_pdf, name="letter_pdf"),
    path("assessment/spot-checks/", views.spot_check_list, name="spot_check_list"),
    path("assessment/spot-checks/new/", views.spot_check_draw, name="spot_check_draw"),
    path("assessment/spot-checks/<int:pk>/", views.spot_check_detail, name="spot_check_detail"),
    path("assessment/spot-checks/<int:pk>/score/", views.spot_check_score, name="spot_check_score"),
    path("assessment/report.xlsx", views.report_xlsx, name="report_xlsx"),
    path("assessment/report.pdf", views.report_pdf, name="report_pdf"),
    path("assessment/runs/<int:pk>/xlsx/", views.assessment_xlsx, name="assessment_xlsx"),
]
