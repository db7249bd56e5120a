"""Notifications: one service that every feature uses to tell someone something.

- Register each kind of notification in your AppConfig.ready(): ``kinds.register(slug, label, default=...)``.
- Record and e-mail: ``services.notification_send(recipient=, kind=, title=, body=, url=, actor=, dedupe_key=)``
  (or ``notifications_send_many(recipients=, ...)``) inside your own transaction.
- Already-rendered mail (allauth's): ``services.email_message_queue(message=, dedupe_key=)``.
"""
