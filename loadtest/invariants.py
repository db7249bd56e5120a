"""After the load: no circle overfilled, no duplicate notification or e-mail, each seat change notified once;
in peer review, no work over-reviewed, no one reviewing their own work or the same work twice, each
submitted review notified to its authors once, and no one holding two leases at a time.

Run inside the load test's Django once the worker has drained its queue; exits non-zero on any breach.
"""

import email
import sys
from collections import Counter
from email.utils import getaddresses
from pathlib import Path

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db.models import Count, F, Q  # noqa: E402
from review_order import Lease, Work, excess_reviews  # noqa: E402 — beside this script

from cohorts import notification_kinds  # noqa: E402
from cohorts.models import Circle, Membership, Review, ReviewAssignment, Submission, SubmissionAuthor  # noqa: E402
from cohorts.review import notification_kinds as review_kinds  # noqa: E402
from p2pu.notifications.models import DigestDelivery, Notification, SentEmail  # noqa: E402

PROMOTED_KIND = notification_kinds.WAITLIST_PROMOTED
#: Kinds that answer a request, remove someone or change their role: none of these happen in the crowd.
UNPROMPTED_KINDS = (notification_kinds.JOIN_REQUEST, notification_kinds.MEMBERSHIP_CHANGED)
#: The circles running peer review (loadtest/prepare.py names them).
REVIEWING = "Reviewing circle"


def membership_breaches() -> list[str]:
    """Joining an open circle and leaving one notify nobody; each leave frees at most one seat to promote into."""
    breaches = []
    crowded = Circle.objects.filter(name__startswith="Crowded circle")
    people = Membership.objects.filter(circle__in=crowded).values("user")
    unprompted = Notification.objects.filter(kind__in=UNPROMPTED_KINDS, recipient__in=people).count()
    if unprompted:
        breaches.append(f"{unprompted} notifications of requests, removals or roles nobody asked for")
    for circle in crowded.annotate(
        left=Count("memberships", filter=Q(memberships__status="left")),
        promoted=Count("memberships", filter=Q(memberships__joined_at__gt=F("memberships__requested_at"))),
    ):
        if circle.promoted > circle.left:
            breaches.append(f"circle {circle.pk}: {circle.promoted} promotions for {circle.left} seats given up")
    return breaches


def review_breaches() -> tuple[list[str], dict[str, int]]:
    breaches = []
    reviewed = Review.objects.submitted().filter(submission__activity__circle__name__startswith=REVIEWING)
    authors = {}
    for author in SubmissionAuthor.objects.filter(submission__in=reviewed.values("submission")):
        authors.setdefault(author.submission_id, set()).add(author.user_id)
    for review in reviewed:
        if review.reviewer_id in authors[review.submission_id]:
            breaches.append(f"review {review.pk}: person {review.reviewer_id} reviewed their own work")
    twice = reviewed.values("submission", "reviewer").annotate(n=Count("pk")).filter(n__gt=1)
    breaches += [f"person {row['reviewer']} reviewed submission {row['submission']} {row['n']} times" for row in twice]

    # A lease is one person's: nobody holds two at once in an activity, nor two of the same work.
    held = ReviewAssignment.objects.open().filter(activity__circle__name__startswith=REVIEWING)
    double = held.filter(source="rolling").values("activity", "reviewer").annotate(n=Count("pk")).filter(n__gt=1)
    breaches += [f"person {row['reviewer']} holds {row['n']} leases in activity {row['activity']}" for row in double]
    live = ReviewAssignment.objects.exclude(state="expired").filter(activity__circle__name__startswith=REVIEWING)
    same = live.values("submission", "reviewer").annotate(n=Count("pk")).filter(n__gt=1)
    breaches += [f"person {row['reviewer']} holds submission {row['submission']} {row['n']} times" for row in same]

    breaches += over_reviewed(live)

    expected = Counter(
        (author, f"review.received:{review.pk}") for review in reviewed for author in authors[review.submission_id]
    )
    # Every review written in the crowd's circles, submitted or not: a draft must notify nobody.
    written = Review.objects.filter(submission__activity__circle__name__startswith=REVIEWING)
    keys = [f"review.received:{pk}" for pk in written.values_list("pk", flat=True)]
    notified = Counter(
        Notification.objects.filter(kind=review_kinds.RECEIVED, dedupe_key__in=keys).values_list(
            "recipient_id", "dedupe_key"
        )
    )
    for key in expected | notified:
        if notified[key] != expected[key]:
            breaches.append(f"{key[1]} notified to person {key[0]} {notified[key]} times, expected {expected[key]}")
    figures = {
        "submissions": Submission.objects.filter(activity__circle__name__startswith=REVIEWING).submitted().count(),
        "reviews": reviewed.count(),
        "notified": sum(notified.values()),
    }
    return breaches, figures


def over_reviewed(live) -> list[str]:
    """Per activity, work reviewed beyond k only when the reviewer had no other work short of k."""
    assignments = list(live.select_related("activity").order_by("assigned_at", "pk"))
    activities = {assignment.activity_id: assignment.activity for assignment in assignments}
    authors = {}
    for author in SubmissionAuthor.objects.filter(activity__in=activities):
        authors.setdefault(author.submission_id, set()).add(author.user_id)
    breaches = []
    for activity in activities.values():
        works = [
            Work(id=s.pk, submitted_at=s.submitted_at, authors=frozenset(authors[s.pk]))
            for s in Submission.objects.filter(activity=activity).submitted()
        ]
        leases = [
            Lease(submission=a.submission_id, reviewer=a.reviewer_id, at=a.assigned_at)
            for a in assignments
            if a.activity_id == activity.pk
        ]
        breaches += excess_reviews(works, leases, k=activity.reviews_per_submission)
    return breaches


def main() -> int:
    breaches = membership_breaches()
    circles = Circle.objects.filter(name__startswith="Crowded circle").annotate(
        seated=Count("memberships", filter=Q(memberships__status="active", memberships__role="learner")),
        waiting=Count("memberships", filter=Q(memberships__status="waitlisted")),
    )
    for circle in circles:
        if circle.seated > circle.capacity:
            breaches.append(f"circle {circle.pk} overfilled: {circle.seated} learners for {circle.capacity} seats")
        if circle.seats_taken != circle.seated:
            breaches.append(f"circle {circle.pk} counts {circle.seats_taken} seats taken, has {circle.seated}")
        if circle.waiting and circle.seated < circle.capacity:
            breaches.append(f"circle {circle.pk} has a free seat and {circle.waiting} waiting")

    promotions = Counter(
        (n.recipient_id, n.url.rstrip("/").rsplit("/", 1)[-1]) for n in Notification.objects.filter(kind=PROMOTED_KIND)
    )
    # Each person joined each circle at most once: a membership made active after it was asked for was promoted.
    crowded = Membership.objects.filter(circle__name__startswith="Crowded circle", role="learner")
    promoted = {(m.user_id, str(m.circle_id)) for m in crowded.filter(status="active", joined_at__gt=F("requested_at"))}
    left_after_promotion = {
        (m.user_id, str(m.circle_id)) for m in crowded.filter(status="left", joined_at__gt=F("requested_at"))
    }
    for key in promoted | left_after_promotion:
        if promotions[key] != 1:
            breaches.append(f"promotion of person {key[0]} in circle {key[1]} notified {promotions[key]} times")
    for key in promotions:
        if key not in promoted | left_after_promotion:
            breaches.append(f"person {key[0]} notified of a promotion in circle {key[1]} that did not happen")
    duplicates = Notification.objects.values("recipient", "dedupe_key").annotate(n=Count("pk")).filter(n__gt=1).count()
    if duplicates:
        breaches.append(f"{duplicates} notifications recorded twice")

    # Every e-mail is one recorded send: a notification e-mailed, a digest, or a rendered e-mail (allauth's).
    # More e-mails to a person than recorded sends means one went out twice.
    sent = Counter()
    for path in Path(settings.EMAIL_FILE_PATH).glob("*.log"):
        for raw in path.read_text().split("-" * 79):
            if raw.strip():
                message = email.message_from_string(raw.strip())
                sent.update(address for _name, address in getaddresses([message["To"]]))
    recorded = Counter(
        Notification.objects.filter(email_state="sent").values_list("recipient__email", flat=True)
    ) + Counter(DigestDelivery.objects.filter(state="sent").values_list("user__email", flat=True))
    for to in SentEmail.objects.filter(state="sent").values_list("to", flat=True):
        recorded.update(address.strip() for address in to.split(","))
    for to, count in sent.items():
        if count > recorded[to]:
            breaches.append(f"{count} e-mails to {to} for {recorded[to]} recorded sends")

    found, reviews = review_breaches()
    breaches += found
    print(
        f"loadtest.invariants: {len(circles)} circles, {sum(promotions.values())} promotions notified, "
        f"{reviews['submissions']} submissions, {reviews['reviews']} reviews ({reviews['notified']} notified), "
        f"{sum(sent.values())} e-mails; {len(breaches)} breaches"
    )
    print(
        "loadtest.invariants checked: seats within capacity and counted right; no free seat while someone waits; "
        "every promotion notified once and none that did not happen; joins and leaves notify nobody and no "
        "circle promotes more than it lost; no notification recorded twice; no e-mail sent twice; no work "
        "reviewed beyond k while other work waited; nobody reviews their own work or the same work twice; "
        "every submitted review notified to each author once; nobody holds two leases at once"
    )
    for breach in breaches:
        print(f"  BREACH: {breach}")
    return 1 if breaches else 0


sys.exit(main())
