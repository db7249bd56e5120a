"""The site's URLs, with a stand-in for the organisation page (``organisations:detail``) where the site has
none yet: the public circles API and the embed link to it."""

from django.http import HttpResponse
from django.urls import NoReverseMatch, include, path, reverse

from p2pu.urls import handler404, handler500
from p2pu.urls import urlpatterns as site_urlpatterns

__all__ = ["handler404", "handler500", "urlpatterns"]


def _organisation_page(request, slug):
    return HttpResponse(slug)


def _site_has_organisation_pages() -> bool:
    try:
        reverse("organisations:detail", kwargs={"slug": "any"}, urlconf="p2pu.urls")
    except NoReverseMatch:
        return False
    return True


stand_in = [path("orgs/<slug:slug>/", _organisation_page, name="detail")]
urlpatterns = list(site_urlpatterns)
if not _site_has_organisation_pages():
    urlpatterns.insert(0, path("", include((stand_in, "organisations"))))
