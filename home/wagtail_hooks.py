"""Hooks the home app registers for the apps below it."""

from wagtail import hooks

from .models import SiteSettings


@hooks.register("course_default_licence")
def site_default_licence(request):
    """The licence site editors suggest for new courses; courses asks through this hook because it
    may not import home."""
    return SiteSettings.for_request(request).default_licence
