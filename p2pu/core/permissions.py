"""Refusing an action in a service, with the reason a person will read."""

from django.core.exceptions import PermissionDenied


def require(allowed: bool, message: str) -> None:
    """Raise PermissionDenied with ``message`` unless ``allowed``."""
    if not allowed:
        raise PermissionDenied(message)
