from django.urls import path

from xinfang.early_warnings import views

app_name = "early_warnings"
urlpatterns = [
    path("petitions/<int:pk>/similar/", views.similar_panel, name="similar_panel"),
    path("alerts/", views.alert_list, name="alert_list"),
    path("alerts/<int:pk>/", views.alert_detail, name="alert_detail"),
    path("alerts/<int:pk>/acknowledge/", views.alert_acknowledge, name="alert_acknowledge"),
    path("alerts/<int:pk>/act/", views.alert_act, name="alert_act"),
    path("alerts/<int:pk>/close/", views.alert_close, name="alert_close"),
]
