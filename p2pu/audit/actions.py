"""The registry of audited actions, so each app declares what it records and how it reads.

Each app declares its actions once, as constants in its own ``audit_actions.py``, and registers
them from ``AppConfig.ready()``::

    # cohorts/audit_actions.py
    MEMBER_REMOVED = "circle.member_removed"
    ACTIONS = (Action(MEMBER_REMOVED, label=_("Removed a member")),)

    # cohorts/apps.py, in ready()
    actions.register_all(audit_actions.ACTIONS)

Services then say ``audit_record(action=audit_actions.MEMBER_REMOVED, ...)``, never a raw string.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class Action:
    slug: str
    label: str


_registry: dict[str, Action] = {}


def register(action: Action) -> Action:
    """Declare an action; registering the same action twice with the same label is harmless."""
    known = _registry.get(action.slug)
    if known is not None and known != action:
        raise ImproperlyConfigured(f"Audit action {action.slug!r} is registered twice with different labels.")
    _registry[action.slug] = action
    return action


def register_all(actions: Iterable[Action]) -> None:
    for action in actions:
        register(action)


def get(slug: str) -> Action:
    try:
        return _registry[slug]
    except KeyError:
        raise ImproperlyConfigured(f"Unknown audit action {slug!r}: register it in its app's ready().") from None


def label_of(slug: str) -> str:
    action = _registry.get(slug)
    return str(action.label) if action else slug


def choices() -> list[tuple[str, str]]:
    return sorted(((a.slug, a.label) for a in _registry.values()), key=lambda choice: str(choice[1]))
