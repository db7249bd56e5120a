"""/me/: the signed-in person's own circles, meetings, invitations and calendar feed."""

from django.urls import path

from .views import my_learning

app_name = "my_learning"

urlpatterns = [
    path("", my_learning.my_learning, name="index"),
    path("calendar/reset/", my_learning.my_calendar_reset, name="calendar_reset"),
    path("calendar/<str:token>.ics", my_learning.my_calendar, name="calendar"),
]
