import zoneinfo

from django.utils import timezone

# Anonymous visitors' browsers report their zone in this cookie (set by static/js/site.js).
TIME_ZONE_COOKIE = "tz"


class TimezoneMiddleware:
    """Show times in the viewer's zone: the profile's for members, the browser's for visitors."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        zone_name = None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            zone_name = user.time_zone
        else:
            zone_name = request.COOKIES.get(TIME_ZONE_COOKIE)
        try:
            timezone.activate(zoneinfo.ZoneInfo(zone_name)) if zone_name else timezone.deactivate()
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            timezone.deactivate()
        return self.get_response(request)
