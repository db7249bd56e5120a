"""Course ratings for tests: a finished circle whose members rated the course.

ratings = rate(course, [5, 4, 3])                       # three members of one finished circle
rating = rate(course, [2], review="Too fast", show_name=True)[0]
maintainer = maintainer_of(course)
editor = site_editor()
"""

import datetime as dt

from django.contrib.auth.models import Permission

from cohorts.models import Circle, CircleState, CourseRating
from courses.models import CreditRole
from tests.cohorts.factories import join, make_circle
from tests.courses.factories import CourseCreditFactory
from tests.factories import UserFactory

#: When the ratings were written: a fixed day, so that nothing depends on today's date.
RATED_AT = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)


def rate(course, ratings, *, review: str = "A fine course.", show_name: bool = False, people=None, state=None):
    """One circle on ``course`` whose members each left one of ``ratings``, the later ones newer.

    The circle is then finished (``state`` to leave it in another state), as the survey needs.
    """
    circle = make_circle(course=course, capacity=len(ratings) + 1)
    people = people or [UserFactory() for _ in ratings]
    memberships = [join(circle, person) for person in people]
    Circle.objects.filter(pk=circle.pk).update(state=state or CircleState.FINISHED)
    return [
        CourseRating.objects.create(
            membership=membership,
            course=course,
            rating=value,
            review=review,
            show_name=show_name,
            created_at=RATED_AT + dt.timedelta(hours=n),
        )
        for n, (membership, value) in enumerate(zip(memberships, ratings, strict=True))
    ]


def maintainer_of(course, person=None):
    person = person or UserFactory()
    CourseCreditFactory(course=course, person=person, role=CreditRole.MAINTAINER)
    return person


def site_editor():
    editor = UserFactory()
    editor.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="change_circle", content_type__app_label="cohorts"),
    )
    return editor
