import pytest

from tests.cohorts.factories import make_circle, make_course
from tests.factories import UserFactory


@pytest.fixture
def course(site_tree):
    return make_course()


@pytest.fixture
def facilitator(db):
    return UserFactory(username="facilitator")


@pytest.fixture
def circle(course, facilitator):
    return make_circle(course=course, facilitator=facilitator)
