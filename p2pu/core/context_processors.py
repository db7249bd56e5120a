"""Template context every page shares."""

from django.conf import settings

from .links import absolute_url


def default_site_name(request):
    """``WAGTAIL_SITE_NAME``, for templates to show while the editable site settings name none."""
    return {"default_site_name": settings.WAGTAIL_SITE_NAME}


def language_alternates(request):
    """This page in every language (``?lang=xx``, for hreflang links), and the page without a chosen language
    (the x-default alternate, and where the language switcher returns to)."""
    query = request.GET.copy()
    query.pop(settings.LANGUAGE_QUERY_PARAMETER, None)
    plain = request.path + (f"?{query.urlencode()}" if query else "")
    alternates = []
    for code, _name in settings.LANGUAGES:
        query[settings.LANGUAGE_QUERY_PARAMETER] = code
        alternates.append((code, absolute_url(f"{request.path}?{query.urlencode()}")))
    return {
        "language_alternates": alternates,
        "language_neutral_path": plain,
        "language_default_url": absolute_url(plain),
    }
