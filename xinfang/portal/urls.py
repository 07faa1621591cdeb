from django.urls import path

from xinfang.portal import views

app_name = "portal"
urlpatterns = [path("track/", views.track, name="track")]
