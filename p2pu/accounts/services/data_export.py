"""Downloading one's data: a ZIP with a JSON document of everything the platform holds about the
person (each app contributes its part, see ``personal_data``) and the files they handed in."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
import zipfile

from django.conf import settings
from django.core import signing
from django.core.files import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from p2pu.audit.actions import label_of
from p2pu.audit.models import AuditEntry
from p2pu.core.locales import person_language
from p2pu.notifications.models import Notification, NotificationPreference
from p2pu.notifications.services import notification_send

from .. import notification_kinds, personal_data
from ..models import DataExport, User

LINK_SALT = "accounts.data_export"
DOCUMENT_NAME = "my-data.json"


def _when(value):
    return value.isoformat() if value else None


def _account(user: User) -> dict:
    return {
        "username": user.username,
        "display_name": user.display_name,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in user.emailaddress_set.all()
        ],
        "bio": user.bio,
        "time_zone": user.time_zone,
        "preferred_language": user.preferred_language,
        "languages": user.languages,
        "show_bio": user.show_bio,
        "show_languages": user.show_languages,
        "show_time_zone": user.show_time_zone,
        "date_joined": _when(user.date_joined),
        "last_login": _when(user.last_login),
    }


def _notifications(user: User) -> dict:
    return {
        "received": [
            {
                "kind": n.kind,
                "title": n.title,
                "body": n.body,
                "url": n.url,
                "created_at": _when(n.created_at),
                "read_at": _when(n.read_at),
            }
            for n in Notification.objects.filter(recipient=user).order_by("created_at", "pk")
        ],
        "preferences": [
            {"kind": p.kind, "frequency": p.frequency}
            for p in NotificationPreference.objects.filter(user=user).order_by("kind")
        ],
    }


def _audit(user: User) -> list[dict]:
    # What others did to the person's standing (the person was told of each at the time).
    return [
        {"what": label_of(e.action), "when": _when(e.created_at), "where": e.scope_label, "why": e.reason}
        for e in AuditEntry.objects.filter(target=user).order_by("created_at", "pk")
    ]


def data_export_document(*, user: User, files: list) -> dict:
    document = {
        "generated_at": _when(timezone.now()),
        "site": settings.SITE_URL,
        "account": _account(user),
        "notifications": _notifications(user),
        "actions_on_your_standing": _audit(user),
    }
    for part in personal_data.parts():
        document[part.name] = part.export(user=user, files=files)
    return document


def data_export_link(export: DataExport) -> str:
    token = signing.dumps({"export": export.pk, "user": export.user_id}, salt=LINK_SALT)
    return reverse("accounts:data_export_download", kwargs={"token": token})


def data_export_resolve(*, token: str, user: User) -> DataExport | None:
    """The export a download link names, if the link is genuine, not expired, and ``user`` owns it."""
    try:
        payload = signing.loads(token, salt=LINK_SALT, max_age=settings.DATA_EXPORT_LINK_MAX_AGE)
    except signing.BadSignature:
        return None
    if payload.get("user") != user.pk:
        return None
    return DataExport.objects.filter(pk=payload.get("export"), user=user).first()


def data_exports_discard(*, user: User) -> None:
    for export in DataExport.objects.filter(user=user):
        export.file.delete(save=False)
        export.delete()


def data_exports_expire(*, now=None) -> int:
    """Delete the downloads whose links have expired (nobody can fetch them any more); returns how many."""
    cutoff = (now or timezone.now()) - dt.timedelta(seconds=settings.DATA_EXPORT_LINK_MAX_AGE)
    expired = list(DataExport.objects.filter(created_at__lt=cutoff))
    for export in expired:
        export.file.delete(save=False)
        export.delete()
    return len(expired)


def data_export_build(*, user: User) -> DataExport:
    """Build the person's ZIP, replace any earlier one, and tell them where to download it."""
    files: list = []
    document = data_export_document(user=user, files=files)
    with tempfile.TemporaryFile() as buffer:
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(DOCUMENT_NAME, json.dumps(document, indent=2, ensure_ascii=False))
            for path, stored in files:
                with stored.open("rb") as source:
                    archive.writestr(path, source.read())
        buffer.seek(0)
        with transaction.atomic():
            data_exports_discard(user=user)
            export = DataExport(user=user)
            export.file.save("data.zip", File(buffer), save=True)
            days = settings.DATA_EXPORT_LINK_MAX_AGE // 86400
            # Built in a task, outside any request: the words are in the person's own language.
            with translation.override(person_language(user)):
                notification_send(
                    recipient=user,
                    kind=notification_kinds.DATA_EXPORT_READY,
                    title=_("Your data is ready to download"),
                    body=ngettext(
                        "The link works for you alone, for %(days)s day.",
                        "The link works for you alone, for %(days)s days.",
                        days,
                    )
                    % {"days": days},
                    url=data_export_link(export),
                    dedupe_key=f"accounts.data_export:{export.pk}",
                )
    return export
