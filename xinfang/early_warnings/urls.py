from django.urls import path

from xinfang.early_warnings import views

app_name = "early_warnings"
urlpatterns = [
    path("petitions/<int:pk>/similar/", views.similar_panel, name="similar_panel"),
]
