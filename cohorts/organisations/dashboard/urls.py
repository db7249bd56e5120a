from django.urls import path

from . import views

app_name = "organisation_dashboard"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("circles/<int:circle_id>/", views.circle, name="circle"),
]
