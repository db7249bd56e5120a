"""A person's secret calendar feed URL."""

from django.utils import timezone

from ..models import CalendarFeed
from ..models.meetings import new_feed_token


def calendar_feed_get(*, user) -> CalendarFeed:
    feed, _ = CalendarFeed.objects.get_or_create(user=user)
    return feed


def calendar_feed_reset(*, user) -> CalendarFeed:
    """Retire the old secret calendar URL (e.g. after sharing it by mistake) and make a new one."""
    feed = calendar_feed_get(user=user)
    feed.token = new_feed_token()
    feed.created_at = timezone.now()
    feed.save(update_fields=["token", "created_at"])
    return feed
