from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("people/<str:username>/", views.profile, name="profile"),
]
