from django.urls import path

from xinfang.routing import views

app_name = "routing"
urlpatterns = [
    path("suggest/", views.suggest, name="suggest"),
    path("acceptance/", views.acceptance, name="acceptance"),
]
