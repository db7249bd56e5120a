"""Mounted by courses.urls at /courses/<course_slug>/export/."""

from django.urls import path

from . import views

urlpatterns = [
    path("<str:format>/", views.course_export, name="export"),
]
