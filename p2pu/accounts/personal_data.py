"""The registry of what each app holds about a person, so deleting an account and downloading one's
data cover every app while this lower layer imports none of them.

Each app that stores personal data registers one ``PersonalData`` from ``AppConfig.ready()``::

    # cohorts/apps.py, in ready()
    personal_data.register(PersonalData("circles", export=personal_data.export, erase=personal_data.erase,
                                        blockers=personal_data.blockers))

``export(*, user, files)`` returns a JSON-able document and appends ``(path in the ZIP, file)`` pairs
to ``files``; ``erase(*, user, former, keep_credit_names)`` deletes or anonymises what the app holds
before the account row goes (``former()`` gives the stand-in account "a former member" that
anonymised records point to); ``blockers(*, user)`` lists what must be done before the account can go.
"""

from collections.abc import Callable
from dataclasses import dataclass


def _no_blockers(*, user) -> list[str]:
    return []


@dataclass(frozen=True)
class PersonalData:
    name: str
    export: Callable[..., object]
    erase: Callable[..., None]
    blockers: Callable[..., list[str]] = _no_blockers


_registry: dict[str, PersonalData] = {}


def register(part: PersonalData) -> None:
    _registry[part.name] = part


def parts() -> list[PersonalData]:
    return list(_registry.values())
