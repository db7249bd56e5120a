"""A peer-review round in progress in the running Copenhagen data circle. Idempotent.

Four learners (Dana and Chen, with Bruno and Amara joining) handed in a chart three days ago; the
reviews went out at yesterday's deadline, three each. Dana, Chen and Amara have reviewed (Amara one
short), Bruno has all his still to do (they show on his /me/), Dana flagged a harsh review (it waits
in Emil's moderation queue) and rated another. Everything goes through the services, as the people
themselves would have done it, with the times moved back.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cohorts import services as circle_services
from cohorts.models import Circle, CircleActivity, MembershipStatus
from cohorts.review import services
from cohorts.review.activities import pinned_activities

DEMO_CIRCLE = "Data literacy at the Copenhagen library"
ACTIVITY_TITLE = "Chart a small dataset"
JOINING = ["bruno", "amara"]
#: Each learner's chart: a link and a note for reviewers.
WORK = {
    "dana": (
        "https://example.org/dana/bus-delays-chart",
        "Bus delays on my route over **ten weekdays**, in minutes. The axis starts at zero.",
    ),
    "chen": (
        "https://example.org/chen/rainfall-chart",
        "Rainfall in Shanghai this month from the city's open data portal.\n\n- Source and date in the footer",
    ),
    "bruno": ("https://example.org/bruno/coffee-chart", "Cups of coffee per day in our study circle, as a pictogram."),
    "amara": ("https://example.org/amara/market-prices", "Tomato prices at three Lagos markets, one bar per market."),
}
#: Who has written which of their reviews: all of them, or this many.
REVIEWS_DONE = {"dana": 3, "chen": 3, "amara": 2, "bruno": 0}
COMMENTS = [
    "The title says exactly what you found. Adding the date of the data would help a reader in a year's time.",
    "Clear and honest. I would label the vertical axis with its unit.",
    "Good choice of data. The bars are easy to compare; consider sorting them by size.",
]
HARSH = "This is lazy and pointless. Did you even try?"


@transaction.atomic
def seed_reviews() -> CircleActivity | None:
    circle = Circle.objects.filter(name=DEMO_CIRCLE).first()
    if circle is None:
        return None
    people = {person.username: person for person in get_user_model().objects.filter(username__in=[*WORK, "emil"])}
    facilitator = people.get("emil")
    if facilitator is None or len(people) < len(WORK) + 1:
        return None
    for username in JOINING:
        membership = circle.memberships.filter(user=people[username]).first()
        if membership is None or membership.status != MembershipStatus.ACTIVE:
            circle_services.membership_join(circle=circle, user=people[username], via_invite=True)
    pinned = next((a for a in pinned_activities(circle) if a.title == ACTIVITY_TITLE), None)
    if pinned is None:
        return None
    activity = services.circle_activity_ensure(
        circle=circle, module_id=pinned.pin.module_id, activity_id=pinned.activity_id, by=facilitator
    )
    if activity.submissions.exists():
        return activity

    now = timezone.now()
    for minutes, (username, (link, note)) in enumerate(WORK.items()):
        submission = services.submission_save_draft(activity=activity, user=people[username], link=link, text=note)
        services.submission_submit(
            submission=submission, by=people[username], now=now - dt.timedelta(days=3, minutes=-37 * minutes)
        )
    deadline = now - dt.timedelta(days=1)
    services.circle_activity_update(
        activity=activity,
        by=facilitator,
        allocation_mode="deadline",
        due_at=deadline,
        review_days=7,
        stuck_after_days=10,
        release_after_days=7,
    )
    services.reviews_allocate_at_deadline(activity=activity, now=deadline)

    criteria = activity.criteria
    authors = {s.pk: s.authors.get().user.username for s in activity.submissions.prefetch_related("authors__user")}
    for username, count in REVIEWS_DONE.items():
        assignments = activity.assignments.filter(reviewer=people[username]).select_related("activity").order_by("pk")
        for number, assignment in enumerate(assignments[:count]):
            harsh = username == "amara" and authors[assignment.submission_id] == "dana"
            top = [criterion["max_score"] for criterion in criteria]
            levels = [0] * len(criteria) if harsh else [max(0, score - (number + i) % 2) for i, score in enumerate(top)]
            services.review_save_draft(
                assignment=assignment,
                by=people[username],
                overall_comment=HARSH if harsh else COMMENTS[number % len(COMMENTS)],
                scores={c["id"]: (level, "") for c, level in zip(criteria, levels, strict=True)},
            )
            written = now - dt.timedelta(hours=12 - number)
            services.review_submit(assignment=assignment, by=people[username], now=written)

    dana_work = activity.submissions.filter(authors__user=people["dana"]).get()
    for review in dana_work.reviews.submitted().select_related("reviewer"):
        if review.overall_comment == HARSH:
            services.review_flag(
                review=review,
                by=people["dana"],
                reason="hurtful",
                explanation="It says nothing about the chart and is just insulting.",
            )
        else:
            services.review_rate(review=review, by=people["dana"], helpfulness=5)
    activity.refresh_from_db()
    return activity
