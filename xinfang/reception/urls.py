from django.urls import path

from xinfang.reception import views

app_name = "reception"
urlpatterns = [
    path("", views.day_list, name="day_list"),
    path("new/", views.day_create, name="day_create"),
    path("statistics/", views.statistics, name="statistics"),
    path("<int:pk>/", views.day_detail, name="day_detail"),
    path("<int:pk>/publish/", views.day_publish, name="day_publish"),
    path("<int:pk>/move/", views.day_move, name="day_move"),
    path("<int:pk>/cancel/", views.day_cancel, name="day_cancel"),
    path("<int:pk>/book/", views.day_book, name="day_book"),
    path("<int:pk>/check-in/", views.day_mark, name="day_mark"),
    path("<int:pk>/walk-in/", views.day_walk_in, name="day_walk_in"),
    path("<int:pk>/records/new/", views.record_create, name="record_create"),
]
