"""A study circle: a small group taking one course together on a schedule, and what it pins and shares."""

import datetime as dt
import secrets
import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from cohorts.scheduling import local_weekday, time_of_day_bucket
from p2pu.accounts.models import LANGUAGE_CHOICES, LANGUAGE_NAMES, validate_time_zone
from p2pu.core.fields import model_texts_clean

from .choices import JOINABLE_STATES, CircleState, MembershipStatus
from .meetings import Meeting
from .membership import Membership

MAX_CAPACITY = 200
MAX_WEEKS = 52
MAX_EXPLICIT_MEETINGS = 60
MAX_MEETING_MINUTES = 480

#: Fields of a circle that decide when it meets; changing any of them re-expands the meetings.
SCHEDULE_FIELDS = ("time_zone", "start_date", "schedule_kind", "weekday", "meeting_time", "weeks", "meeting_dates")
#: Fields a facilitator fills in when starting a circle and may change later, in the form's order
#: (the course is fixed: start another circle instead).
EDITABLE_FIELDS = (
    "name",
    "description",
    "language",
    *SCHEDULE_FIELDS,
    "duration_minutes",
    "venue_kind",
    "meeting_url",
    "venue_name",
    "address",
    "city",
    "country",
    "capacity",
    "join_policy",
    "listed",
    "organisation",
)


def new_access_key() -> str:
    return secrets.token_urlsafe(16)


class ScheduleKind(models.TextChoices):
    WEEKLY = "weekly", _("Every week on the same day and time")
    DATES = "dates", _("On dates I choose")


class Weekday(models.IntegerChoices):
    # The numbering of datetime.weekday() and cohorts.scheduling.
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


#: A weekly schedule's day, as in “Tuesdays at 18:00”.
WEEKDAYS_PLURAL = {
    Weekday.MONDAY: _("Mondays"),
    Weekday.TUESDAY: _("Tuesdays"),
    Weekday.WEDNESDAY: _("Wednesdays"),
    Weekday.THURSDAY: _("Thursdays"),
    Weekday.FRIDAY: _("Fridays"),
    Weekday.SATURDAY: _("Saturdays"),
    Weekday.SUNDAY: _("Sundays"),
}


class VenueKind(models.TextChoices):
    ONLINE = "online", _("Online")
    IN_PERSON = "in_person", _("In person")


class JoinPolicy(models.TextChoices):
    OPEN = "open", _("Anyone can join")
    APPROVAL = "approval", _("A facilitator approves each request")
    INVITE = "invite", _("Only people with an invitation")


class ReviewAnonymity(models.TextChoices):
    """Who learns whose name in peer review (facilitators, who moderate, always see both)."""

    REVIEWERS_HIDDEN = "reviewers_hidden", _("Reviewers are anonymous; reviewers see whose work it is")
    DOUBLE_BLIND = "double_blind", _("Double-blind: neither side sees the other's name")
    OPEN = "open", _("Open: authors see who reviewed them")


class CircleQuerySet(models.QuerySet):
    def listed(self):
        return self.filter(listed=True)

    def open_for_signup(self):
        return self.filter(state=CircleState.OPEN)

    def joinable(self):
        """Circles people may still join: open for sign-up, or running (late joiners are welcome)."""
        return self.filter(state__in=JOINABLE_STATES)

    def discoverable(self):
        """What /circles/ lists: listed circles that are open for sign-up or running."""
        return self.listed().joinable()

    def upcoming(self, *, now=None):
        """Listed circles open for sign-up with a meeting still ahead, soonest first (the home page's list)."""
        return (
            self.listed()
            .open_for_signup()
            .with_next_meeting(now=now)
            .filter(next_meeting_at__isnull=False)
            .order_by("next_meeting_at", "pk")
        )

    def with_seat_counts(self):
        """Annotate ``seats_left`` and ``waitlist_count`` (one subquery, no extra queries per circle)."""
        waitlisted = (
            Membership.objects.filter(circle=OuterRef("pk"), status=MembershipStatus.WAITLISTED)
            .order_by()
            .values("circle")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return self.annotate(
            seats_left=F("capacity") - F("seats_taken"),
            waitlist_count=Coalesce(Subquery(waitlisted, output_field=models.IntegerField()), 0),
        )

    def with_next_meeting(self, *, now=None):
        """Annotate ``next_meeting_at``: the start of the first scheduled meeting not yet begun, or None."""
        upcoming = Meeting.objects.filter(circle=OuterRef("pk")).upcoming(now=now).order_by("starts_at")
        return self.annotate(next_meeting_at=Subquery(upcoming.values("starts_at")[:1]))

    def meeting_at(self, *, weekday: int | None = None, time_of_day: str | None = None, zone):
        """Circles with an upcoming meeting on ``weekday`` and/or at ``time_of_day`` as seen in ``zone``.

        Both depend on the viewer's zone and on daylight-saving dates, so they are worked out in Python
        from the upcoming meetings' UTC instants (one query), and the circles are then filtered by id.
        """
        starts = Meeting.objects.upcoming().filter(circle__in=self.values("pk")).values_list("circle_id", "starts_at")
        matching = {
            circle_id
            for circle_id, starts_at in starts
            if (weekday is None or local_weekday(starts_at, zone) == weekday)
            and (not time_of_day or time_of_day_bucket(starts_at, zone) == time_of_day)
        }
        return self.filter(pk__in=matching)

    def with_seats(self):
        return self.filter(seats_taken__lt=F("capacity"))

    def search(self, text: str):
        text = text.strip()
        if not text:
            return self
        return self.filter(
            Q(name__icontains=text)
            | Q(description__icontains=text)
            | Q(course__title__icontains=text)
            | Q(city__icontains=text)
        )


class Circle(models.Model):
    course = models.ForeignKey(
        "courses.CoursePage", verbose_name=_("course"), on_delete=models.PROTECT, related_name="circles"
    )
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(
        _("description"),
        max_length=4000,
        blank=True,
        help_text=_("Who the circle is for and how you would like to work together."),
    )
    language = models.CharField(_("language"), max_length=10, choices=LANGUAGE_CHOICES, default="en")
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        validators=[validate_time_zone],
        help_text=_("The time zone the schedule is written in; everyone else sees the times in their own."),
    )

    # The schedule, in the circle's own time zone; the meetings it expands to are stored in UTC.
    start_date = models.DateField(_("start date"), help_text=_("The first meeting is on or after this day."))
    schedule_kind = models.CharField(
        _("schedule kind"), max_length=10, choices=ScheduleKind.choices, default=ScheduleKind.WEEKLY
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices, null=True, blank=True)
    meeting_time = models.TimeField(
        _("meeting time"), null=True, blank=True, help_text=_("Local time in the circle's time zone.")
    )
    weeks = models.PositiveSmallIntegerField(
        _("weeks"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(MAX_WEEKS)]
    )
    meeting_dates = models.JSONField(
        _("meeting dates"),
        default=list,
        blank=True,
        help_text=_("For a schedule of chosen dates: local date-times in ISO format, e.g. 2025-03-04T18:30."),
    )
    duration_minutes = models.PositiveSmallIntegerField(
        _("meeting length in minutes"),
        default=90,
        validators=[MinValueValidator(15), MaxValueValidator(MAX_MEETING_MINUTES)],
    )

    venue_kind = models.CharField(_("venue kind"), max_length=10, choices=VenueKind.choices, default=VenueKind.ONLINE)
    meeting_url = models.URLField(
        _("meeting link"),
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("Only members see it."),
    )
    venue_name = models.CharField(
        _("venue name"), max_length=200, blank=True, help_text=_("e.g. “Central Library, room 2”.")
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=100, blank=True)

    capacity = models.PositiveSmallIntegerField(
        _("capacity"),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_CAPACITY)],
        help_text=_("Seats for learners; facilitators do not take a seat."),
    )
    # Active learners. Written only by cohorts.services, under a lock on this row; the check
    # constraint below is the database's own guarantee that no race ever overfills a circle.
    seats_taken = models.PositiveSmallIntegerField(_("seats taken"), default=0, editable=False)
    join_policy = models.CharField(_("join policy"), max_length=10, choices=JoinPolicy.choices, default=JoinPolicy.OPEN)
    listed = models.BooleanField(
        _("list in “Find a study circle”"),
        default=True,
        help_text=_("Unlisted circles can be found only by people you send the link to."),
    )
    # The secret part of an unlisted circle's link.
    access_key = models.CharField(max_length=32, default=new_access_key, editable=False)

    state = models.CharField(_("state"), max_length=10, choices=CircleState.choices, default=CircleState.DRAFT)
    state_changed_at = models.DateTimeField(default=timezone.now)

    # The course version the circle follows: the course's published revision when it was pinned,
    # and (in PinnedModule) each module's.
    course_revision = models.ForeignKey(
        "wagtailcore.Revision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    pinned_at = models.DateTimeField(null=True, blank=True)

    # Peer review (cohorts.review): how anonymous it is, and whether learners must finish their own
    # reviews before they read what others wrote about their work.
    review_anonymity = models.CharField(
        _("anonymity in peer review"),
        max_length=20,
        choices=ReviewAnonymity.choices,
        default=ReviewAnonymity.REVIEWERS_HIDDEN,
    )
    feedback_after_own_reviews = models.BooleanField(
        _("show learners their feedback only once their own reviews are done"), default=False
    )

    organisation = models.ForeignKey(
        "cohorts.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="circles",
        help_text=_("The organisation that runs this circle, chosen from the facilitator's own."),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CircleQuerySet.as_manager()

    class Meta:
        verbose_name = _("circle")
        verbose_name_plural = _("circles")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(seats_taken__lte=F("capacity")), name="cohorts_circle_not_overfilled"),
        ]
        indexes = [models.Index(fields=["state", "listed"], name="cohorts_circle_state_listed")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("cohorts:detail", kwargs={"circle_id": self.pk})

    def clean(self):
        model_texts_clean(
            self, one_line_fields=("name", "venue_name", "address", "city"), multi_line_fields=("description",)
        )
        errors = {}
        if self.schedule_kind == ScheduleKind.WEEKLY:
            for name in ("weekday", "meeting_time", "weeks"):
                if getattr(self, name) is None:
                    errors[name] = gettext("A weekly schedule needs this.")
        else:
            errors.update(self._meeting_dates_errors())
        if self.venue_kind == VenueKind.IN_PERSON:
            for name in ("venue_name", "city", "country"):
                if not getattr(self, name).strip():
                    errors[name] = gettext("A circle that meets in person needs this.")
        if errors:
            raise ValidationError(errors)

    def _meeting_dates_errors(self) -> dict[str, str]:
        dates = self.meeting_dates
        if not isinstance(dates, list) or not dates:
            return {"meeting_dates": gettext("Add at least one meeting date.")}
        if len(dates) > MAX_EXPLICIT_MEETINGS:
            return {
                "meeting_dates": ngettext(
                    "A circle can have at most %(count)d meeting.",
                    "A circle can have at most %(count)d meetings.",
                    MAX_EXPLICIT_MEETINGS,
                )
                % {"count": MAX_EXPLICIT_MEETINGS}
            }
        for value in dates:
            try:
                moment = dt.datetime.fromisoformat(value)
            except (TypeError, ValueError):
                return {"meeting_dates": gettext("“%(value)s” is not a date and time.") % {"value": value}}
            if moment.tzinfo is not None:
                return {
                    "meeting_dates": gettext(
                        "Meeting dates are local times in the circle's time zone, without an offset."
                    )
                }
        return {}

    def get_manage_url(self) -> str:
        return reverse("cohorts:manage", kwargs={"circle_id": self.pk})

    def get_share_url(self) -> str:
        """The link that opens this circle to anyone holding it, even when it is unlisted."""
        return f"{self.get_absolute_url()}?key={self.access_key}"

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def language_name(self) -> str:
        return LANGUAGE_NAMES.get(self.language, self.language)

    @property
    def is_online(self) -> bool:
        return self.venue_kind == VenueKind.ONLINE

    @property
    def place(self) -> str:
        """Where the circle meets, as much as may be shown publicly (never the meeting link)."""
        if self.is_online:
            return gettext("Online")
        return ", ".join(part for part in (self.venue_name, self.city, self.country) if part)

    @property
    def seats_free(self) -> int:
        return max(self.capacity - self.seats_taken, 0)

    def has_newer_course_version(self, pinned_modules=None) -> bool:
        """Whether the course or any of its modules was published again since the circle pinned its version.

        ``pinned_modules``: the circle's pinned modules when the caller has already read them.
        """
        if self.course.live_revision_id != self.course_revision_id:
            return True
        if pinned_modules is None:
            pinned = set(self.pinned_modules.values_list("module_id", "revision_id"))
        else:
            pinned = {(pin.module_id, pin.revision_id) for pin in pinned_modules}
        return pinned != set(self.course.modules().values_list("pk", "live_revision_id"))

    @property
    def schedule_summary(self) -> str:
        """The schedule as written, in the circle's own zone: “Tuesdays at 18:00 (America/New_York), 6 weeks”."""
        if self.schedule_kind == ScheduleKind.WEEKLY and self.weekday is not None and self.meeting_time:
            return ngettext(
                "%(weekdays)s at %(time)s (%(zone)s), %(count)d week from %(start)s",
                "%(weekdays)s at %(time)s (%(zone)s), %(count)d weeks from %(start)s",
                self.weeks,
            ) % {
                "weekdays": WEEKDAYS_PLURAL[self.weekday],
                "time": f"{self.meeting_time:%H:%M}",
                "zone": self.time_zone,
                "count": self.weeks,
                "start": date_format(self.start_date, "j F Y"),
            }
        count = len(self.meeting_dates)
        return ngettext(
            "%(count)d meeting on chosen dates (%(zone)s)", "%(count)d meetings on chosen dates (%(zone)s)", count
        ) % {"count": count, "zone": self.time_zone}


class PinnedModule(models.Model):
    """One module of the course as it was published when the circle pinned its course version."""

    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="pinned_modules")
    module = models.ForeignKey("courses.ModulePage", null=True, on_delete=models.SET_NULL, related_name="+")
    revision = models.ForeignKey("wagtailcore.Revision", null=True, on_delete=models.SET_NULL, related_name="+")
    position = models.PositiveSmallIntegerField(help_text=_("0-based place in the course outline."))
    title = models.CharField(max_length=255, help_text=_("The module's title in the pinned version."))

    class Meta:
        ordering = ["circle", "position"]
        constraints = [
            models.UniqueConstraint(fields=["circle", "position"], name="cohorts_pinned_module_position"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("cohorts:module", kwargs={"circle_id": self.circle_id, "module_id": self.module_id})


class InviteLink(models.Model):
    """A link a facilitator shares to let people in; the URL carries a signature of this row's id."""

    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="invite_links")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Invitation link to {self.circle} until {self.expires_at:%Y-%m-%d}"

    def is_usable(self, *, now=None) -> bool:
        return self.revoked_at is None and self.expires_at > (now or timezone.now())


class CircleMessage(models.Model):
    """A message a facilitator sent to every member; kept so members can read it again on the circle page."""

    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    subject = models.CharField(max_length=150)
    body = models.TextField(max_length=5000)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at", "-pk"]

    def __str__(self) -> str:
        return self.subject

    def clean(self):
        model_texts_clean(self, one_line_fields=("subject",), multi_line_fields=("body",))
