"""The courses a person is credited on, as their own pages list them (“My learning”)."""

from .models import CourseCredit


def course_credits_of(person) -> list[CourseCredit]:
    """One credit per course this person is credited on, by course title; with several roles on a
    course, the one first in the maintainers' order (its course is loaded with it)."""
    credits = (
        CourseCredit.objects.filter(person=person)
        .select_related("course")
        .order_by("course__title", "course_id", "sort_order")
    )
    first, seen = [], set()
    for credit in credits:
        if credit.course_id not in seen:
            seen.add(credit.course_id)
            first.append(credit)
    return first
