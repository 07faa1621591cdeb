from django.urls import path

from xinfang.assessment import views

app_name = "assessment"
urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("assessment/cases/", views.kpi_case_list, name="cases"),
]
