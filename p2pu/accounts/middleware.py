from django.utils import timezone

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
