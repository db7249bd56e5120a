"""A demo organisation: Riverside Public Library, its organiser and facilitators, and a season of circles.

Rosa organises; Sam and Priya facilitate. Six circles finished in the past months, one is running and one
is open for sign-up, each with learners who set goals, came (or stopped coming), rated the meetings,
answered the end-of-circle survey and rated the course, so the organiser dashboard has something real
to show. Everything is written through the services people's actions use (the organisation, its
invitations, the circles, goals, attendance, feedback and surveys); only the schedules are then moved
into the past, as home.seed_circles does. Who comes, what they rate and say follows fixed patterns (no
randomness), and the dates follow today, as the other demo circles do. Idempotent: the organisation and
its members are looked up first, and a circle that exists is left as it is.
"""

import datetime as dt

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cohorts import services
from cohorts.models import Circle, GoalMet, Membership, Organisation, OrganisationMembership, OrganisationRole
from cohorts.organisations import services as organisation_services
from cohorts.surveys.services import learner_survey_submit
from courses.models import CoursePage

from .seed_circles import DATA, FACILITATION, WRITING, _next, _shift_into_the_past

ORGANISATION = {
    "name": "Riverside Public Library",
    "slug": "riverside-public-library",
    "city": "Riverside",
    "about": "Eleven branch libraries that host free study circles for adults, online and in person.",
}
#: Demo logins (seed.DEMO_PEOPLE) with their role in the organisation.
STAFF = {"rosa": OrganisationRole.ORGANISER, "sam": OrganisationRole.FACILITATOR, "priya": OrganisationRole.FACILITATOR}

#: The library's learners: they never sign in to the demo, so they have no password.
LEARNER_NAMES = [
    "Abebe Bekele",
    "Beatriz Costa",
    "Carlos Mendoza",
    "Deepa Nair",
    "Elif Yilmaz",
    "Farah Haddad",
    "Gustav Lind",
    "Hana Sato",
    "Ivan Petrov",
    "Jamal Brooks",
    "Kwame Mensah",
    "Lucia Romero",
    "Mei Lin",
    "Nadia Rahman",
    "Oscar Nilsson",
    "Parisa Karimi",
    "Quinn Walsh",
    "Ruth Adeyemi",
]
LEARNER_USERNAMES = [f"riverside-{number:02d}" for number in range(1, len(LEARNER_NAMES) + 1)]

#: Each circle: course, facilitator, how many weeks ago it began (None: it is still to begin), its learners
#: (indexes into LEARNER_NAMES) and its fields.
SEASON = [
    ("Riverside: facilitating at the Main branch", FACILITATION, "sam", 30, range(0, 7), 0),
    ("Riverside: data literacy on Tuesdays", DATA, "priya", 26, range(4, 12), 1),
    ("Riverside: writing for the web at Eastside", WRITING, "sam", 22, range(8, 14), 2),
    ("Riverside: data literacy in the evening", DATA, "sam", 17, range(10, 18), 3),
    ("Riverside: writing for the web online", WRITING, "priya", 13, range(0, 6), 4),
    ("Riverside: facilitating at Northgate", FACILITATION, "priya", 10, range(12, 18), 5),
    ("Riverside: data literacy (running now)", DATA, "sam", 3, range(2, 9), 6),
    ("Riverside: writing for the web (spring)", WRITING, "priya", None, range(5, 9), 0),
]
WEEKS = 6
GOALS = [
    "Make a budget spreadsheet for my household.",
    "Read the news with an eye for numbers.",
    "Start a blog for my community garden.",
    "Feel ready to run a circle at work.",
    "",
]
ADVICE = ["Come even when you have not done the reading.", "", "Ask questions early on.", ""]
REVIEWS = ["Clear and friendly; the exercises were the best part.", "", "Good, though module 3 felt long.", ""]


def _learners() -> list:
    User = get_user_model()
    people = []
    for username, name in zip(LEARNER_USERNAMES, LEARNER_NAMES, strict=True):
        person, created = User.objects.get_or_create(
            username=username,
            defaults={"email": f"{username}@example.org", "display_name": name, "time_zone": "America/Chicago"},
        )
        if created:
            person.set_unusable_password()
            person.save(update_fields=["password"])
        EmailAddress.objects.get_or_create(
            user=person, email=person.email, defaults={"verified": True, "primary": True}
        )
        people.append(person)
    return people


def _organisation(people: dict) -> Organisation:
    """The organiser creates the organisation and invites the facilitators, who accept."""
    organisation = Organisation.objects.filter(slug=ORGANISATION["slug"]).first()
    if organisation is None:
        (organiser,) = (people[username] for username, role in STAFF.items() if role == OrganisationRole.ORGANISER)
        fields = {key: value for key, value in ORGANISATION.items() if key != "slug"}
        organisation = organisation_services.organisation_create(by=organiser, **fields)
    for username, role in STAFF.items():
        person = people[username]
        if OrganisationMembership.objects.active().filter(organisation=organisation, user=person).exists():
            continue
        invitation = organisation_services.invitation_send(
            organisation=organisation,
            by=organisation.memberships.organisers().order_by("pk").first().user,
            email=person.email,
            role=role,
        )
        organisation_services.invitation_accept(token=organisation_services.invitation_token(invitation), user=person)
    return organisation


def _comes(seat: int, number: int, shift: int) -> bool:
    """Most learners come most weeks; every sixth stops after the third meeting, as people do."""
    if seat % 6 == 5 and number > 3:
        return False
    return (seat * 3 + number + shift) % 5 != 0


def _history(circle: Circle, facilitator, memberships: list[Membership], shift: int) -> None:
    now = timezone.now()
    for meeting in circle.meetings.filter(starts_at__lt=now).order_by("number"):
        present = [m for seat, m in enumerate(memberships) if _comes(seat, meeting.number, shift)]
        services.attendance_record(meeting=meeting, by=facilitator, present=[m.pk for m in present])
        for seat, membership in enumerate(memberships):
            if membership in present:
                rating = (5, 4, 4, 3, 5, 4, 2)[(seat + meeting.number + shift) % 7]
                services.feedback_submit(meeting=meeting, user=membership.user, rating=rating)


def _end_of_circle(circle: Circle, memberships: list[Membership], shift: int) -> None:
    """Each learner answers the end-of-circle survey and rates the course."""
    answers = (GoalMet.YES, GoalMet.YES, GoalMet.PARTLY, GoalMet.NO, GoalMet.PARTLY, GoalMet.NO_GOAL)
    for seat, membership in enumerate(memberships):
        learner_survey_submit(
            circle=circle,
            user=membership.user,
            goal_met=answers[(seat + shift) % len(answers)],
            confidence_after=3 + (seat + shift) % 3,
            advice=ADVICE[(seat + shift) % len(ADVICE)],
            rating=(5, 4, 5, 3, 4)[(seat + shift) % 5],
            review=REVIEWS[(seat + shift) % len(REVIEWS)],
        )


@transaction.atomic
def seed_organisations() -> Organisation | None:
    User = get_user_model()
    people = {person.username: person for person in User.objects.filter(username__in=STAFF)}
    if len(people) < len(STAFF):
        return None
    learners = _learners()
    organisation = _organisation(people)
    courses = {
        course.slug: course for course in CoursePage.objects.live().filter(slug__in=[FACILITATION, DATA, WRITING])
    }
    for name, course_slug, facilitator_name, weeks_ago, seats, shift in SEASON:
        course, facilitator = courses.get(course_slug), people[facilitator_name]
        if course is None or Circle.objects.filter(name=name).exists():
            continue
        weekday = (1 + shift) % 5
        circle = services.circle_create(
            course=course,
            created_by=facilitator,
            publish=True,
            name=name,
            description="A free study circle at Riverside Public Library.",
            language=course.language,
            time_zone="America/Chicago",
            start_date=_next(weekday),
            weekday=weekday,
            meeting_time=dt.time(18, 0),
            weeks=WEEKS,
            venue_kind="in_person",
            venue_name="Riverside Public Library",
            address="100 River Street",
            city="Riverside",
            country="United States",
            capacity=10,
            organisation=organisation,
        )
        memberships = []
        for seat in seats:
            goal = GOALS[(seat + shift) % len(GOALS)]
            membership = services.membership_join(
                circle=circle,
                user=learners[seat],
                via_invite=True,
                goal=goal,
                goal_confidence=2 + seat % 3 if goal else None,
            )
            memberships.append(membership)
        if weeks_ago is None:
            continue
        _shift_into_the_past(circle, weeks_ago + 1)
        services.circles_advance()
        _history(circle, facilitator, memberships, shift)
        circle.refresh_from_db()
        if circle.state == "finished":
            _end_of_circle(circle, memberships, shift)
    return organisation
