"""Reads kept in the cache until a row of one model changes (the locales, whether any page is restricted)."""

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save


def forget_when_changed(key: str, *, model, name: str) -> None:
    """Delete ``key`` from the cache whenever a ``model`` row is saved or deleted: at once, for this process,
    and again after the commit, for a request another process renders meanwhile from the old rows."""

    def forget(sender, **kwargs):
        cache.delete(key)
        transaction.on_commit(lambda: cache.delete(key), robust=True)

    # The receiver is a closure: held strongly, or it would be collected at once.
    post_save.connect(forget, sender=model, weak=False, dispatch_uid=f"{name}_saved")
    post_delete.connect(forget, sender=model, weak=False, dispatch_uid=f"{name}_deleted")
