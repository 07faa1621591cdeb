from django.urls import path

from xinfang.outreach import views

app_name = "outreach"

urlpatterns = [
    path("events/", views.event_list, name="event_list"),
    path("events/new/", views.event_create, name="event_create"),
    path("events/<int:pk>/", views.event_detail, name="event_detail"),
    path("events/<int:pk>/edit/", views.event_edit, name="event_edit"),
    path("events/<int:pk>/photos/<int:photo_pk>/", views.photo_download, name="photo_download"),
    path("trainings/", views.training_list, name="training_list"),
    path("trainings/new/", views.training_create, name="training_create"),
    path("trainings/<int:pk>/", views.training_detail, name="training_detail"),
    path("trainings/<int:pk>/edit/", views.training_edit, name="training_edit"),
    path("counts/", views.counts, name="counts"),
    path("merit/", views.merit_labels, name="merit_labels"),
    path("guidance/", views.guidance, name="guidance"),
    path("petitions/<int:pk>/conduct/", views.conduct_panel, name="conduct_panel"),
    path("petitions/<int:pk>/conduct/new/", views.conduct_create, name="conduct_create"),
    path("petitions/<int:pk>/merit/", views.merit_set, name="merit_set"),
]
