"""After the load: no circle overfilled, no duplicate notification or e-mail, each seat change notified once.

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

from cohorts.models import Circle, Membership  # noqa: E402
from p2pu.notifications.models import DigestDelivery, Notification, SentEmail  # noqa: E402

PROMOTED_KIND = "circle.waitlist_promoted"


def main() -> int:
    breaches = []
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

    print(
        f"loadtest.invariants: {len(circles)} circles, {sum(promotions.values())} promotions notified, "
        f"{sum(sent.values())} e-mails; {len(breaches)} breaches"
    )
    for breach in breaches:
        print(f"  BREACH: {breach}")
    return 1 if breaches else 0


sys.exit(main())
