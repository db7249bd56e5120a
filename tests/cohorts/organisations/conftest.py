"""What the organisation tests share: a fixed instant, and the organiser who creates the organisation."""

import datetime as dt

import pytest
import time_machine

from tests.factories import UserFactory

NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def clock():
    """Modules that want it: ``pytestmark = [..., pytest.mark.usefixtures("clock")]``."""
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def organiser(db):
    return UserFactory(display_name="Olga Organiser")
