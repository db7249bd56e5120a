from django.urls import path

from . import views

app_name = "ratings"

urlpatterns = [
    path("<int:rating_id>/flag/", views.rating_flag, name="flag"),
    path("<int:rating_id>/reply/", views.rating_reply, name="reply"),
]
