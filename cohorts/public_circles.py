"""The circles anyone may list through the public API (/api/v2/circles/) and the embeddable list
(/embed/circles/): listed circles open for sign-up or running (finished ones on request), filtered.

What is published about a circle is only what its public page shows to a visitor, and of its
facilitators only the display name they chose: never a username, an e-mail address or a meeting link.
"""

from __future__ import annotations

from django import forms
from django.db.models import F, Prefetch
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from p2pu.accounts.models import LANGUAGE_CHOICES
from p2pu.core.links import absolute_url

from .models import Circle, CircleState, Membership, VenueKind

#: What ``status`` may ask for; without it, the circles people can still join.
PUBLIC_STATES = (CircleState.OPEN, CircleState.RUNNING, CircleState.FINISHED)
DEFAULT_STATES = (CircleState.OPEN, CircleState.RUNNING)


class PublicCircleFilter(forms.Form):
    """The filters both the API and the embed accept (the embed names ``organisation`` ``org``)."""

    course = forms.IntegerField(required=False, min_value=1, label=_("Course id"))
    language = forms.ChoiceField(required=False, choices=[("", ""), *LANGUAGE_CHOICES], label=_("Language"))
    city = forms.CharField(required=False, max_length=100, label=_("City"))
    organisation = forms.SlugField(required=False, max_length=80, label=_("Organisation"))
    status = forms.ChoiceField(
        required=False, choices=[("", ""), *((state.value, state.label) for state in PUBLIC_STATES)], label=_("Status")
    )
    venue_kind = forms.ChoiceField(required=False, choices=[("", ""), *VenueKind.choices], label=_("Venue kind"))
    has_seats = forms.TypedChoiceField(
        required=False,
        choices=[("", ""), ("true", "true"), ("false", "false")],
        coerce=lambda value: value == "true",
        empty_value=None,
        label=_("Has seats"),
    )

    def circles(self):
        """The matching circles, soonest next meeting first, with what ``circle_public_data`` reads."""
        data = self.cleaned_data
        states = [data["status"]] if data.get("status") else DEFAULT_STATES
        circles = Circle.objects.listed().filter(state__in=states)
        if data.get("course"):
            circles = circles.filter(course_id=data["course"])
        if data.get("language"):
            circles = circles.filter(language=data["language"])
        if data.get("city"):
            circles = circles.filter(city__iexact=data["city"].strip())
        if data.get("organisation"):
            circles = circles.filter(organisation__slug=data["organisation"])
        if data.get("venue_kind"):
            circles = circles.filter(venue_kind=data["venue_kind"])
        if data.get("has_seats") is True:
            circles = circles.with_seats()
        elif data.get("has_seats") is False:
            circles = circles.filter(seats_taken__gte=F("capacity"))
        return (
            circles.select_related("course", "organisation")
            .with_next_meeting()
            .prefetch_related(
                Prefetch(
                    "memberships",
                    queryset=Membership.objects.facilitators().select_related("user").order_by("joined_at", "pk"),
                    to_attr="facilitator_memberships",
                )
            )
            .order_by(F("next_meeting_at").asc(nulls_last=True), "pk")
        )


def public_name(user) -> str:
    """A facilitator as the public sees them: the display name they chose, or nothing that identifies them."""
    return user.display_name.strip() or gettext("A facilitator")


def circle_public_data(circle: Circle, *, request) -> dict:
    """One circle as the API publishes it (``circle`` comes from ``PublicCircleFilter.circles``)."""
    organisation = circle.organisation
    next_meeting = None
    if circle.next_meeting_at is not None:
        next_meeting = {
            "utc": circle.next_meeting_at.isoformat(),
            "local": circle.next_meeting_at.astimezone(circle.zone).isoformat(),
            "time_zone": circle.time_zone,
        }
    return {
        "id": circle.pk,
        "name": circle.name,
        "url": absolute_url(circle.get_absolute_url()),
        "course": {"title": circle.course.title, "url": circle.course.get_full_url(request)},
        "language": circle.language,
        "city": circle.city,
        "country": circle.country,
        "venue_kind": circle.venue_kind,
        "organisation": (
            {
                "name": organisation.name,
                "slug": organisation.slug,
                "url": absolute_url(organisation.get_absolute_url()),
            }
            if organisation
            else None
        ),
        "schedule": circle.schedule_summary,
        "next_meeting": next_meeting,
        "seats_left": circle.seats_free,
        "status": circle.state,
        "facilitators": [public_name(m.user) for m in circle.facilitator_memberships],
    }
