"""Forms for study circles. They check input; cohorts.services decides and writes."""

import datetime as dt
from zoneinfo import ZoneInfo

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from taggit.models import Tag

from courses.models import CoursePage
from p2pu.accounts.models import LANGUAGE_NAMES, time_zone_choices
from p2pu.core.fields import MultiLineTextField, OneLineTextField

from .models import Circle, Organisation, Role, ScheduleKind, VenueKind, Weekday
from .models.circles import EDITABLE_FIELDS, MAX_EXPLICIT_MEETINGS, SCHEDULE_FIELDS
from .scheduling import TimeOfDay
from .surveys.forms import GoalForm

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATETIME_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
MEETING_DATE_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M")


class MeetingDatesField(forms.Field):
    """One local date and time per line (“2025-03-04 18:30”), stored as ISO strings."""

    widget = forms.Textarea(attrs={"rows": 5})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(item.replace("T", " ") for item in value)
        return value

    def to_python(self, value):
        if isinstance(value, list):
            return value
        moments = []
        for line in (value or "").splitlines():
            line = line.strip()
            if not line:
                continue
            moments.append(self._parse(line))
        if len(moments) > MAX_EXPLICIT_MEETINGS:
            raise forms.ValidationError(
                ngettext(
                    "A circle can have at most %(count)d meeting.",
                    "A circle can have at most %(count)d meetings.",
                    MAX_EXPLICIT_MEETINGS,
                ),
                params={"count": MAX_EXPLICIT_MEETINGS},
            )
        return [moment.isoformat(timespec="minutes") for moment in sorted(set(moments))]

    @staticmethod
    def _parse(line: str) -> dt.datetime:
        for fmt in MEETING_DATE_FORMATS:
            try:
                return dt.datetime.strptime(line, fmt)
            except ValueError:
                continue
        raise forms.ValidationError(
            _("“%(line)s” is not a date and time; write one per line like 2025-03-04 18:30."), params={"line": line}
        )


class CircleForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        choices=time_zone_choices,
        label=_("Time zone"),
        help_text=_("The schedule is written in this time zone; everyone sees the times in their own."),
    )
    meeting_url = forms.URLField(
        required=False,
        assume_scheme="https",
        label=_("Meeting link"),
        help_text=_("Only members see it. You can add it later."),
    )
    meeting_dates = MeetingDatesField(
        required=False,
        label=_("Meeting dates"),
        help_text=_("For a schedule of chosen dates: one date and local time per line, e.g. 2025-03-04 18:30."),
    )

    class Meta:
        model = Circle
        fields = list(EDITABLE_FIELDS)
        field_classes = {
            **dict.fromkeys(("name", "venue_name", "address", "city"), OneLineTextField),
            "description": MultiLineTextField,
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "start_date": DATE_INPUT,
            "meeting_time": TIME_INPUT,
            "schedule_kind": forms.RadioSelect,
            "venue_kind": forms.RadioSelect,
            "join_policy": forms.RadioSelect,
        }
        labels = {
            "name": _("Name of the circle"),
            "weekday": _("Day of the week"),
            "weeks": _("Number of weeks"),
            "capacity": _("Seats for learners"),
        }

    #: The fieldsets the template draws, in order.
    SECTIONS = [
        (_("About the circle"), ["name", "description", "language"]),
        (
            _("When it meets"),
            ["time_zone", "start_date", "schedule_kind", "weekday", "meeting_time", "weeks", "meeting_dates",
             "duration_minutes"],
        ),
        (_("Where it meets"), ["venue_kind", "meeting_url", "venue_name", "address", "city", "country"]),
        (_("Who can join"), ["capacity", "join_policy", "listed"]),
        (_("Organisation"), ["organisation"]),
    ]  # fmt: skip

    def __init__(self, *args, user, editing_schedule: bool = True, course_versions=(), **kwargs):
        super().__init__(*args, **kwargs)
        # The organisations the facilitator belongs to (any role), and the one the circle already has.
        organisations = Organisation.objects.with_member(user)
        if self.instance.organisation_id:
            organisations = organisations | Organisation.objects.filter(pk=self.instance.organisation_id)
        organisations = organisations.distinct().order_by("name", "pk")
        if organisations.exists():
            self.fields["organisation"].queryset = organisations
            self.fields["organisation"].empty_label = _("None: I run it on my own")
            self.fields["organisation"].label = _("Run with an organisation")
            self.fields["organisation"].help_text = _(
                "The circle shows on the organisation's page and links to it. Only organisations you belong to."
            )
        else:
            del self.fields["organisation"]
        if len(course_versions) > 1:
            # A course with translations: the circle follows the version in the language it chooses.
            self.fields["course_version"] = forms.TypedChoiceField(
                label=_("Language of the course"),
                coerce=int,
                choices=[
                    (version.pk, f"{version.get_language_display()}: {version.title}") for version in course_versions
                ],
                initial=course_versions[0].pk,
                help_text=_("The circle follows the course in this language."),
            )
        self.fields["weekday"].required = False
        self.fields["weekday"].choices = [("", gettext("Choose a day")), *Weekday.choices]
        if not editing_schedule:
            # Once meetings have begun, single meetings are moved instead (cohorts.services.circle_update).
            for name in SCHEDULE_FIELDS:
                self.fields[name].disabled = True
                self.fields[name].help_text = gettext("Meetings have begun: move or cancel single meetings instead.")

    def sections(self):
        sections = [(title, [self[name] for name in names if name in self.fields]) for title, names in self.SECTIONS]
        if "course_version" in self.fields:
            sections[0][1].insert(0, self["course_version"])
        return [(title, fields) for title, fields in sections if fields]

    def clean(self):
        cleaned = super().clean()
        start, zone = cleaned.get("start_date"), cleaned.get("time_zone")
        if self.instance.pk is None and start and zone and start < timezone.now().astimezone(ZoneInfo(zone)).date():
            self.add_error("start_date", gettext("Choose a day from today on."))
        if cleaned.get("schedule_kind") == ScheduleKind.WEEKLY:
            cleaned["meeting_dates"] = []
        if cleaned.get("venue_kind") == VenueKind.ONLINE:
            for name in ("venue_name", "address", "city", "country"):
                cleaned[name] = ""
        return cleaned


class CircleFilterForm(forms.Form):
    """The filters of /circles/; the choices come from what discoverable circles actually offer."""

    q = forms.CharField(required=False, label=pgettext_lazy("search field", "Search"), max_length=100)
    course = forms.ModelChoiceField(
        queryset=CoursePage.objects.none(), required=False, label=_("Course"), empty_label=_("Any course")
    )
    topic = forms.ChoiceField(required=False, label=_("Topic"))
    language = forms.ChoiceField(required=False, label=_("Language"))
    venue = forms.ChoiceField(
        required=False,
        label=_("Online or in person"),
        choices=[("", pgettext_lazy("online or in person", "Either")), *VenueKind.choices],
    )
    city = forms.ChoiceField(required=False, label=_("City"))
    weekday = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        label=pgettext_lazy("day of the week", "Day"),
        choices=[("", _("Any day")), *Weekday.choices],
    )
    time_of_day = forms.ChoiceField(
        required=False,
        label=_("Time of day"),
        choices=[
            ("", _("Any time")),
            (TimeOfDay.MORNING, _("Morning (5:00–12:00)")),
            (TimeOfDay.AFTERNOON, _("Afternoon (12:00–17:00)")),
            (TimeOfDay.EVENING, _("Evening (17:00–22:00)")),
            (TimeOfDay.NIGHT, _("Night (22:00–5:00)")),
        ],
    )
    has_seats = forms.BooleanField(required=False, label=_("Only circles with free seats"))
    org = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        to_field_name="slug",
        label=_("Organisation"),
        empty_label=_("Any organisation"),
    )

    def __init__(self, *args, circles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = (
            CoursePage.objects.live()
            .public()
            .filter(circles__in=circles)
            .distinct()
            .order_by("title")
            .only("pk", "title")
        )
        topics = Tag.objects.filter(courses_coursetopic_items__content_object__circles__in=circles).distinct()
        self.fields["topic"].choices = [
            ("", gettext("Any topic")),
            *topics.order_by("name").values_list("slug", "name"),
        ]
        languages = sorted(set(circles.values_list("language", flat=True)), key=lambda c: LANGUAGE_NAMES.get(c, c))
        self.fields["language"].choices = [("", gettext("Any language"))] + [
            (c, LANGUAGE_NAMES.get(c, c)) for c in languages
        ]
        cities = sorted(set(circles.exclude(city="").values_list("city", flat=True)))
        self.fields["city"].choices = [("", gettext("Any city"))] + [(city, city) for city in cities]
        self.fields["org"].queryset = Organisation.objects.filter(circles__in=circles).distinct().order_by("name")

    def filter(self, circles, *, zone):
        """Apply the valid filters to a Circle queryset; times of day and weekdays are the viewer's."""
        data = self.cleaned_data
        circles = circles.search(data.get("q") or "")
        if data.get("course"):
            circles = circles.filter(course=data["course"])
        if data.get("topic"):
            circles = circles.filter(course__tagged_items__tag__slug=data["topic"])
        if data.get("language"):
            circles = circles.filter(language=data["language"])
        if data.get("venue"):
            circles = circles.filter(venue_kind=data["venue"])
        if data.get("city"):
            circles = circles.filter(city=data["city"])
        if data.get("org"):
            circles = circles.filter(organisation=data["org"])
        if data.get("has_seats"):
            circles = circles.with_seats()
        if data.get("weekday") is not None or data.get("time_of_day"):
            circles = circles.meeting_at(weekday=data.get("weekday"), time_of_day=data.get("time_of_day"), zone=zone)
        return circles.distinct()


class JoinForm(GoalForm):
    """Joining: an optional goal for anyone, and a note to the facilitators when asking to join."""

    request_message = MultiLineTextField(
        required=False,
        max_length=1000,
        label=_("A note to the facilitators"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: why you would like to join, or anything they should know."),
    )


class CancelCircleForm(forms.Form):
    reason = MultiLineTextField(
        required=False,
        max_length=255,
        label=_("Why (members will read this)"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MessageForm(forms.Form):
    subject = OneLineTextField(label=_("Subject"), max_length=150)
    body = MultiLineTextField(label=_("Message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 8}))


class InvitePersonForm(forms.Form):
    username = forms.CharField(
        max_length=150, label=_("Their username"), help_text=_("As shown on their profile page, e.g. amara.")
    )
    role = forms.ChoiceField(
        choices=[(Role.LEARNER, _("As a learner")), (Role.FACILITATOR, _("As a co-facilitator"))],
        initial=Role.LEARNER,
        widget=forms.RadioSelect,
        label=_("Invite them"),
    )

    def clean_username(self):
        invitee = get_user_model().objects.filter(username__iexact=self.cleaned_data["username"].strip()).first()
        if invitee is None or not invitee.is_active:
            raise forms.ValidationError(gettext("Nobody here has that username."))
        self.invitee = invitee
        return invitee.username


def link_lifetimes():
    """Called each time the choices are drawn, so the words follow the language of the request."""
    return [(days, ngettext("%(count)d day", "%(count)d days", days) % {"count": days}) for days in (1, 7, 14, 30)]


class InviteLinkForm(forms.Form):
    valid_days = forms.TypedChoiceField(
        coerce=int,
        label=_("The link works for"),
        choices=link_lifetimes,
        initial=7,
    )


class MeetingMoveForm(forms.Form):
    starts_at = forms.DateTimeField(widget=DATETIME_INPUT, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    note = OneLineTextField(
        required=False, max_length=255, label=_("Why (members will read this)"), widget=forms.TextInput()
    )

    def __init__(self, *args, circle: Circle, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = circle.zone
        self.fields["starts_at"].label = gettext("New date and time (%(zone)s)") % {"zone": circle.time_zone}

    def full_clean(self):
        # The facilitator types a wall-clock time in the circle's own zone, as the schedule is written.
        with timezone.override(self.zone):
            super().full_clean()


class MeetingCancelForm(forms.Form):
    note = OneLineTextField(
        required=False, max_length=255, label=_("Why (members will read this)"), widget=forms.TextInput()
    )


class MeetingModuleForm(forms.Form):
    module = forms.TypedChoiceField(coerce=int, empty_value=None, required=False, label=_("Module"))

    def __init__(self, *args, pinned_modules, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["module"].choices = [("", gettext("No module (e.g. a review or project session)"))] + [
            (pin.module_id, f"{pin.position + 1}. {pin.title}") for pin in pinned_modules if pin.module_id
        ]


class AttendanceForm(forms.Form):
    present = forms.TypedMultipleChoiceField(
        coerce=int, required=False, widget=forms.CheckboxSelectMultiple, label=_("Who came")
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [(m.pk, m.user.get_display_name()) for m in members]


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        coerce=int,
        label=_("How useful was this meeting for you?"),
        choices=[(5, _("5 – very useful")), (4, "4"), (3, "3"), (2, "2"), (1, _("1 – not useful"))],
        widget=forms.RadioSelect,
    )
    reflection = forms.CharField(
        required=False,
        max_length=2000,
        label=_("A short reflection"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What did you learn, what would you change? Your facilitators read this."),
    )
