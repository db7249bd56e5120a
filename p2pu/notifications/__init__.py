"""Notifications: one service that every feature uses to tell someone something.

- Declare each kind as a constant in your app's ``notification_kinds.py`` (``KINDS``) and register them from
  ``AppConfig.ready()`` with ``kinds.register_all(notification_kinds.KINDS)``.
- Record and e-mail: ``services.notification_send(recipient=, kind=, title=, body=, url=, actor=, dedupe_key=)``
  (or ``notifications_send_many(recipients=, ...)``) inside your own transaction.
- Already-rendered mail (allauth's): ``services.email_message_queue(message=, dedupe_key=)``.
"""
