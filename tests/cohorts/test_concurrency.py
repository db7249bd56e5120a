"""Racing for the last seats: however the joins interleave, a circle never holds more learners than seats.

Runs on PostgreSQL (CI's database), where each thread has its own connection and the circle row lock
(``select_for_update``) decides who waits; SQLite serialises all writers, so there is no race to test.
"""

import threading

import pytest
from django.db import connection

from cohorts import services
from cohorts.models import Circle, Membership
from tests.cohorts.factories import make_circle, make_course
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def race(circle_id: int, people: list) -> list[str]:
    """Everyone presses "Join circle" at the same instant; returns the statuses they got."""
    start = threading.Barrier(len(people))
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def press_join(person):
        try:
            start.wait()
            membership = services.membership_join(circle=Circle.objects.get(pk=circle_id), user=person)
            outcomes.append(membership.status)
        except BaseException as error:  # noqa: BLE001 (reported by the main thread below)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=press_join, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return outcomes


@pytest.fixture
def require_postgres():
    if connection.vendor != "postgresql":
        pytest.skip(f"races need PostgreSQL's row locks; this run uses {connection.vendor} (set DATABASE_URL)")


def test_two_people_taking_the_last_seat_at_once(require_postgres, site_tree):
    circle = make_circle(course=make_course(modules=1), capacity=1)
    for _ in range(5):  # several rounds: one lucky interleaving proves little
        Membership.objects.filter(circle=circle, role="learner").delete()
        Circle.objects.filter(pk=circle.pk).update(seats_taken=0)
        outcomes = race(circle.pk, [UserFactory(), UserFactory()])
        assert sorted(outcomes) == ["active", "waitlisted"]
        assert Circle.objects.get(pk=circle.pk).seats_taken == 1


def test_a_crowd_racing_for_three_seats(require_postgres, site_tree):
    circle = make_circle(course=make_course(modules=1), capacity=3)
    outcomes = race(circle.pk, [UserFactory() for _ in range(12)])
    assert sorted(outcomes) == ["active"] * 3 + ["waitlisted"] * 9
    circle.refresh_from_db()
    assert circle.seats_taken == 3 == Membership.objects.learners().filter(circle=circle).count()
    # Their places in the queue are distinct, so promotion order is well defined.
    places = list(Membership.objects.waitlist().filter(circle=circle).values_list("waitlisted_at", "pk"))
    assert len(set(places)) == 9
