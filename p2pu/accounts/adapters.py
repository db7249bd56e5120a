import uuid
from urllib.parse import quote

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.urls import reverse

from p2pu.core.links import absolute_reverse, absolute_url
from p2pu.notifications.services import email_message_queue


class AccountAdapter(DefaultAccountAdapter):
    """allauth's behaviour with the house rules: e-mail goes through Celery, links use SITE_URL."""

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        mail_context = {
            "email": email,
            "site_name": settings.WAGTAIL_SITE_NAME,
            "site_url": settings.SITE_URL,
            **context,
        }
        message = self.render_mail(template_prefix, email, mail_context)
        # One key per message allauth asks for: a Celery retry of this message is dropped, while a second
        # request (e.g. "send the link again") is a new message and is sent.
        name = template_prefix.rsplit("/", 1)[-1]
        email_message_queue(message=message, dedupe_key=f"account:{name}:{uuid.uuid4().hex}")

    # Links use SITE_URL, whatever host the request that caused the e-mail came in on.
    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        return absolute_reverse("account_confirm_email", args=[emailconfirmation.key])

    def get_reset_password_from_key_url(self, key: str) -> str:
        # allauth's URL pattern takes the opaque key as "<uidb36>-<key>"; build it the way allauth does.
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return absolute_url(path.replace("UID-KEY", quote(key)))
