from django.urls import path

from xinfang.ledger_import import views

app_name = "ledger_import"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("<int:pk>/", views.job_detail, name="job_detail"),
    path("<int:pk>/run/", views.job_run, name="job_run"),
    path("<int:pk>/index/", views.job_index, name="job_index"),
    path("<int:pk>/progress/", views.job_progress, name="job_progress"),
]
