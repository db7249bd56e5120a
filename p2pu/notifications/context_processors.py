from .models import Notification


def unread_notifications(request):
    """The header's unread badge: one COUNT query for signed-in people, nothing for visitors."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notification_count": Notification.objects.filter(recipient=user, read_at__isnull=True).count()}
