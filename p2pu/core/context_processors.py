"""Template context every page shares."""

from django.conf import settings


def default_site_name(request):
    """``WAGTAIL_SITE_NAME``, for templates to show while the editable site settings name none."""
    return {"default_site_name": settings.WAGTAIL_SITE_NAME}
