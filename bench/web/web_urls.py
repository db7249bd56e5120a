"""The site's URLs and a bare view: a plain Django view rendering a small template, no queries."""

from django.urls import path
from django.views.generic import TemplateView

from p2pu.urls import handler404, handler500
from p2pu.urls import urlpatterns as site_urlpatterns

urlpatterns = [path("bench/bare/", TemplateView.as_view(template_name="bench/bare.html")), *site_urlpatterns]

__all__ = ["handler404", "handler500", "urlpatterns"]
