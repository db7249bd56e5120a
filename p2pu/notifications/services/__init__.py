"""Everything that records notifications, changes preferences or sends e-mail. Keyword arguments only.

- ``recording``: ``notification_send`` / ``notifications_send_many`` (what other apps call, inside their own
  transaction), marking read.
- ``bulk``: ``notifications_bulk_send`` records many drafts in a few queries per chunk and queues their
  e-mails in batches: every scheduled job uses it.
- ``preferences``: how often each person wants e-mail about each kind.
- ``delivery``: building and sending one notification's e-mail at most once (claim, send, release).
- ``digests``: the daily digest.
- ``rendered``: already-rendered e-mail (allauth's), queued after commit and sent once per dedupe key.
- ``unsubscribe``: signed one-click unsubscribe links.

E-mail is queued on Celery by task name only after the caller's transaction commits, and every sender
claims its row before sending (see models.py), so no event is recorded twice and no e-mail goes out twice.
The tasks module imports these services; the services never import it.
"""

from .bulk import NotificationDraft, notifications_bulk_send
from .delivery import notification_email_deliver
from .digests import daily_digests_send, digest_deliver
from .preferences import email_frequency, preference_set, preferences_get, preferences_set
from .recording import notification_mark_read, notification_send, notifications_mark_all_read, notifications_send_many
from .rendered import email_message_queue, rendered_email_queue, rendered_email_send
from .unsubscribe import unsubscribe, unsubscribe_token_make, unsubscribe_token_read

__all__ = [
    "NotificationDraft",
    "daily_digests_send",
    "digest_deliver",
    "email_frequency",
    "email_message_queue",
    "notification_email_deliver",
    "notification_mark_read",
    "notification_send",
    "notifications_bulk_send",
    "notifications_mark_all_read",
    "notifications_send_many",
    "preference_set",
    "preferences_get",
    "preferences_set",
    "rendered_email_queue",
    "rendered_email_send",
    "unsubscribe",
    "unsubscribe_token_make",
    "unsubscribe_token_read",
]
