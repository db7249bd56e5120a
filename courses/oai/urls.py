"""Mounted at /oai/ by p2pu.urls."""

from django.urls import path

from . import views

urlpatterns = [path("", views.endpoint, name="oai")]
