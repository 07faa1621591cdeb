from django.urls import path

from xinfang.portal import booking_views, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("submit/", views.submit, name="submit"),
    path("otp/", views.otp, name="otp"),
    path("track/", views.track, name="track"),
    path("track/rate/", views.track_rate, name="track_rate"),
    path("track/review/", views.track_review, name="track_review"),
    path("track/notice/", views.track_notice, name="track_notice"),
    path("info/", views.info, name="info"),
    path("info/<int:pk>/", views.info_page, name="info_page"),
    path("manage/", views.manage, name="manage"),
    path("manage/edit/", views.manage_edit, name="manage_edit"),
    path("reception/", booking_views.days, name="reception_days"),
    path("reception/book/", booking_views.book, name="reception_book"),
    path("reception/otp/", booking_views.otp, name="reception_otp"),
    path("reception/mine/", booking_views.mine, name="reception_mine"),
    path("reception/mine/change/", booking_views.change, name="reception_change"),
]
