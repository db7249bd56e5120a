"""Reading course ratings: only visible ones, only from circles that finished, and at most once per request."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Avg, Count, F, OuterRef, Q, Subquery, Sum

from cohorts.models import CircleState, CourseRating

from .scale import rating_average


@dataclass(frozen=True)
class RatingSummary:
    average: Decimal | None
    count: int
    #: How many of the ratings come with written words (the reviews listed on the page).
    reviews: int


def visible_ratings(course_id: int):
    """The ratings a course page shows: not hidden, and from someone whose circle on it finished.

    A rating is only created for a finished membership; the circle's state is checked again here, so a
    rating that slipped through (or a circle moved back) never shows.
    """
    return CourseRating.objects.visible().filter(course_id=course_id, membership__circle__state=CircleState.FINISHED)


def rating_summary(course_id: int) -> RatingSummary:
    totals = visible_ratings(course_id).aggregate(
        total=Sum("rating"), count=Count("pk"), reviews=Count("pk", filter=~Q(review=""))
    )
    return RatingSummary(
        average=rating_average(totals["total"] or 0, totals["count"]),
        count=totals["count"],
        reviews=totals["reviews"],
    )


def rating_summary_for_request(request, course_id: int) -> RatingSummary:
    """The summary, read once per request and course: the header, the reviews and the JSON-LD all show it."""
    if request is None:
        return rating_summary(course_id)
    memo = request.__dict__.setdefault("_course_rating_summaries", {})
    if course_id not in memo:
        memo[course_id] = rating_summary(course_id)
    return memo[course_id]


def reviews_listed(course_id: int):
    """The reviews with words, newest first, with what each shows (its writer, its reply's writer)."""
    return (
        visible_ratings(course_id)
        .exclude(review="")
        .select_related("membership__user", "replied_by")
        .order_by("-created_at", "-pk")
    )


def courses_by_rating(courses):
    """The courses ordered by their visible ratings' average, highest first; unrated ones last."""
    average = (
        CourseRating.objects.visible()
        .filter(course_id=OuterRef("pk"), membership__circle__state=CircleState.FINISHED)
        .order_by()
        .values("course_id")
        .annotate(average=Avg("rating"))
        .values("average")
    )
    return courses.annotate(rating_average=Subquery(average)).order_by(
        F("rating_average").desc(nulls_last=True), "-first_published_at", "-pk"
    )
