from django.urls import path

from xinfang.assessment.views import (
    assessments,
    dashboard,
    letters,
    reports,
    schemes,
    spot_checks,
)

app_name = "assessment"
urlpatterns = [
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("assessment/cases/", dashboard.kpi_case_list, name="cases"),
    path("assessment/schemes/", assessments.scheme_list, name="scheme_list"),
    path("assessment/schemes/new/", schemes.scheme_edit, name="scheme_create"),
    path("assessment/schemes/<int:pk>/edit/", schemes.scheme_edit, name="scheme_edit"),
    path("assessment/schemes/<int:pk>/copy/", schemes.scheme_copy, name="scheme_copy"),
    path("assessment/runs/", assessments.assessment_list, name="assessment_list"),
    path("assessment/runs/new/", assessments.assessment_run, name="assessment_run"),
    path("assessment/runs/<int:pk>/", assessments.assessment_detail, name="assessment_detail"),
    path(
        "assessment/runs/<int:pk>/recompute/",
        assessments.assessment_recompute,
        name="assessment_recompute",
    ),
    path(
        "assessment/runs/<int:pk>/freeze/", assessments.assessment_freeze, name="assessment_freeze"
    ),
    path("assessment/accountability/", assessments.accountability_list, name="accountability_list"),
    path(
        "assessment/accountability/new/",
        assessments.accountability_create,
        name="accountability_create",
    ),
    path(
        "assessment/cases/<int:pk>/accountability/",
        assessments.case_accountability,
        name="case_accountability",
    ),
    path("assessment/letters/", letters.letter_list, name="letter_list"),
    path("assessment/letters/new/", letters.letter_create, name="letter_create"),
    path("assessment/letters/<int:pk>/", letters.letter_detail, name="letter_detail"),
    path("assessment/letters/<int:pk>/targets/", letters.letter_targets, name="letter_targets"),
    path("assessment/letters/<int:pk>/sign/", letters.letter_sign, name="letter_sign"),
    path("assessment/letters/<int:pk>/pdf/", letters.letter_pdf, name="letter_pdf"),
    path("assessment/spot-checks/", spot_checks.spot_check_list, name="spot_check_list"),
    path("assessment/spot-checks/new/", spot_checks.spot_check_draw, name="spot_check_draw"),
    path(
        "assessment/spot-checks/<int:pk>/", spot_checks.spot_check_detail, name="spot_check_detail"
    ),
    path(
        "assessment/spot-checks/<int:pk>/score/",
        spot_checks.spot_check_score,
        name="spot_check_score",
    ),
    path("assessment/report.xlsx", reports.report_xlsx, name="report_xlsx"),
    path("assessment/report.pdf", reports.report_pdf, name="report_pdf"),
    path("assessment/runs/<int:pk>/xlsx/", reports.assessment_xlsx, name="assessment_xlsx"),
]
