from django.conf import settings
from django.utils import timezone, translation

from p2pu.core.zones import person_zone, zone_named

# Anonymous visitors' browsers report their zone in this cookie (set by static/js/site.js).
TIME_ZONE_COOKIE = "tz"


class TimezoneMiddleware:
    """Show times in the viewer's zone: the profile's for members, the browser's for visitors (else UTC)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            timezone.activate(person_zone(user))
        else:
            timezone.activate(zone_named(request.COOKIES.get(TIME_ZONE_COOKIE)))
        return self.get_response(request)


def _query_language(request) -> str | None:
    code = request.GET.get(settings.LANGUAGE_QUERY_PARAMETER, "")
    return code if code in dict(settings.LANGUAGES) else None


def _profile_language(request) -> str:
    user = getattr(request, "user", None)
    return user.preferred_language if user is not None and user.is_authenticated else ""


class LanguageMiddleware:
    """The page's language: ``?lang=xx`` first (the hreflang alternates crawlers follow), then a signed-in
    person's profile language; otherwise what LocaleMiddleware chose (the language cookie, else the
    browser's Accept-Language). No language prefix in URLs.

    A signed-in person's language cookie follows their profile (set on the response that signs them in),
    so the site keeps their language after they sign out; their responses are never cached.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = _query_language(request) or _profile_language(request)
        if chosen:
            translation.activate(chosen)
            request.LANGUAGE_CODE = chosen
        response = self.get_response(request)
        # Read again after the view: signing in (or switching language) happens inside it.
        profile_language = _profile_language(request)
        if profile_language and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != profile_language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                profile_language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response
