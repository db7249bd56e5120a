"""What the review services share: who may act, the activity's lock, people, deadlines and links."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _

from cohorts.models import Circle, CircleActivity, Membership, Submission
from cohorts.permissions import CircleAccess, circle_access
from p2pu.core.permissions import require

from .. import permissions


def facilitator_access(circle: Circle, by) -> CircleAccess:
    """``by``'s access to the circle; PermissionDenied unless they run its reviews."""
    access = circle_access(user=by, circle=circle)
    require(permissions.can_run_reviews(access), _("Only this circle's facilitators can do that."))
    return access


def learner_ids(circle: Circle) -> set[int]:
    return set(Membership.objects.learners().filter(circle=circle).values_list("user_id", flat=True))


def activity_lock(activity: CircleActivity) -> CircleActivity:
    """The activity's row, locked until the transaction ends (only its own row: the circle stays free)."""
    return CircleActivity.objects.select_for_update(of=("self",)).select_related("circle").get(pk=activity.pk)


def own_submission(activity: CircleActivity, user) -> Submission | None:
    return Submission.objects.filter(activity=activity).by_author(user).first()


def authors_of(submission: Submission) -> list:
    return [author.user for author in submission.authors.select_related("user")]


def review_due_at(activity: CircleActivity, now: dt.datetime) -> dt.datetime:
    """When a review handed out ``now`` is due."""
    return now + dt.timedelta(days=activity.review_days)


def progress_url(activity: CircleActivity) -> str:
    return reverse("cohorts:review:progress", kwargs={"circle_id": activity.circle_id, "activity_pk": activity.pk})


def moderation_url(circle: Circle) -> str:
    return reverse("cohorts:review:moderation", kwargs={"circle_id": circle.pk})


def to_do_url() -> str:
    return reverse("my_learning:index") + "#reviews-heading"
