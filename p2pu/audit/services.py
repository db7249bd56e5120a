"""Recording audit entries: the one way in."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models

from . import actions
from .models import AuditEntry

LABEL_LENGTH = AuditEntry._meta.get_field("scope_label").max_length


def _label(obj) -> str:
    return str(obj)[:LABEL_LENGTH] if obj is not None else ""


def _generic(obj: models.Model | None) -> tuple[ContentType | None, int | None]:
    if obj is None:
        return None, None
    return ContentType.objects.get_for_model(obj), obj.pk


def audit_record(*, actor, action: str, subject=None, target=None, scope=None, reason: str = "") -> AuditEntry:
    """Append one entry: ``actor`` did ``action`` to ``subject``, affecting ``target``, in ``scope``, for ``reason``.

    Call it inside the same transaction as the change it records, so both happen or neither does.
    ``action`` must be registered (see ``p2pu.audit.actions``).
    """
    actions.get(action)
    subject_type, subject_id = _generic(subject)
    scope_type, scope_id = _generic(scope)
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        target=target,
        about_person=target is not None,
        reason=(reason or "").strip(),
        subject_type=subject_type,
        subject_id=subject_id,
        scope_type=scope_type,
        scope_id=scope_id,
        scope_label=_label(scope),
    )
