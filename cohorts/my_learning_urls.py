"""/me/: the signed-in person's own circles, meetings, invitations and calendar feed."""

from django.urls import path

from . import views

app_name = "my_learning"

urlpatterns = [
    path("", views.my_learning, name="index"),
    path("calendar/reset/", views.my_calendar_reset, name="calendar_reset"),
    path("calendar/<str:token>.ics", views.my_calendar, name="calendar"),
]
