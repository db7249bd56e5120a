"""Writes to accounts. Views and other apps change a person's account only through here."""

from .data_export import (
    data_export_build,
    data_export_link,
    data_export_resolve,
    data_exports_discard,
    data_exports_expire,
)
from .deletion import account_delete, account_deletion_blockers
from .profiles import PROFILE_FIELDS, preferred_language_set, profile_update, welcome_send

__all__ = [
    "PROFILE_FIELDS",
    "account_delete",
    "account_deletion_blockers",
    "data_export_build",
    "data_export_link",
    "data_export_resolve",
    "data_exports_discard",
    "data_exports_expire",
    "preferred_language_set",
    "profile_update",
    "welcome_send",
]
