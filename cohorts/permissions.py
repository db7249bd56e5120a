"""Who may do what in a study circle: the one place views, services and templates ask.

Views build a ``CircleAccess`` once per request (one query for the viewer's membership) and pass it
to templates; services build their own from the acting person, so a forged request that slips past
a view is still refused. ``join_outcome`` is the single rule for what pressing "Join" does, used both
to label the button and, under the circle's row lock, to decide.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from allauth.account.utils import has_verified_email
from django.utils.translation import gettext, ngettext, pgettext

from p2pu.core.permissions import require

from .models import (
    CURRENT_STATUSES,
    Circle,
    CircleState,
    JoinPolicy,
    Membership,
    MembershipStatus,
    OrganisationMembership,
    Role,
)


def is_verified(user) -> bool:
    """Signed in with a confirmed e-mail address: the bar for starting or joining a circle."""
    return bool(user and user.is_authenticated and has_verified_email(user))


def start_refusal(*, user, course) -> str:
    """Why this person may not start a circle around this course, or "" when they may."""
    if not user.is_authenticated:
        return gettext("Sign in to start a study circle.")
    if not course.live:
        return gettext("Circles can only follow a published course.")
    if course.get_view_restrictions().exists():
        # A private course stays with the people it is shared with; a circle would show it to others.
        return gettext("Circles can only follow a course that is open to everyone.")
    if not is_verified(user):
        return gettext("Confirm your e-mail address before starting a study circle.")
    return ""


@dataclass(frozen=True)
class CircleAccess:
    """What one person may see and do in one circle."""

    user: object
    circle: Circle
    membership: Membership | None
    #: Arrived with the circle's share key or a valid invitation link: lets them see an unlisted circle.
    holds_link: bool = False
    #: An active member of the circle's organisation: its page lists the organisation's unlisted circles to
    #: them, so they see those circles as a link holder would.
    in_organisation: bool = False

    @property
    def status(self) -> str | None:
        return self.membership.status if self.membership else None

    @property
    def is_member(self) -> bool:
        return self.status == MembershipStatus.ACTIVE

    @property
    def is_facilitator(self) -> bool:
        return self.is_member and self.membership.role == Role.FACILITATOR

    @property
    def can_view(self) -> bool:
        if self.is_facilitator:
            return True
        if self.circle.state == CircleState.DRAFT:
            return False
        if self.circle.listed or self.holds_link or self.in_organisation:
            return True
        return self.status in CURRENT_STATUSES

    # Members only: the meeting link, who else is in the circle, the modules as pinned, messages.
    @property
    def can_see_members(self) -> bool:
        return self.is_member

    @property
    def can_see_meeting_url(self) -> bool:
        return self.is_member

    @property
    def can_read_modules(self) -> bool:
        return self.is_member

    @property
    def can_read_messages(self) -> bool:
        return self.is_member

    @property
    def can_see_everyones_feedback(self) -> bool:
        return self.is_facilitator

    # Facilitators run the circle: edit it, let people in, remove them, message them, change meetings.
    @property
    def can_manage(self) -> bool:
        return self.is_facilitator and self.circle.state not in (CircleState.FINISHED, CircleState.CANCELLED)

    @property
    def can_take_attendance(self) -> bool:
        return self.is_facilitator

    @property
    def can_leave(self) -> bool:
        return self.status in (MembershipStatus.ACTIVE, MembershipStatus.WAITLISTED, MembershipStatus.PENDING)

    def can_give_feedback(self, meeting, *, now: dt.datetime) -> bool:
        """Members give feedback on a meeting once it has begun; a cancelled meeting has none."""
        return self.is_member and not meeting.is_cancelled and meeting.starts_at <= now


def circle_access(*, user, circle: Circle, key: str = "", holds_link: bool = False, memberships=None) -> CircleAccess:
    """``memberships``: where to read the viewer's membership, for a page that reads more with it in the same
    query (an annotation); all memberships by default."""
    membership = None
    if user is not None and user.is_authenticated:
        memberships = Membership.objects.all() if memberships is None else memberships
        membership = memberships.filter(circle=circle, user=user).first()
    holds_link = holds_link or bool(key and secrets.compare_digest(key, circle.access_key))
    # Asked only where it changes something: an unlisted circle of an organisation, seen without its link.
    in_organisation = bool(
        not circle.listed
        and not holds_link
        and circle.organisation_id
        and user is not None
        and user.is_authenticated
        and OrganisationMembership.objects.active().filter(organisation_id=circle.organisation_id, user=user).exists()
    )
    return CircleAccess(
        user=user, circle=circle, membership=membership, holds_link=holds_link, in_organisation=in_organisation
    )


def manager_access(*, circle: Circle, user) -> CircleAccess:
    """The person's access to the circle; PermissionDenied unless they facilitate it (services' check)."""
    access = circle_access(user=user, circle=circle)
    require(access.can_manage, gettext("Only this circle's facilitators can do that."))
    return access


@dataclass(frozen=True)
class JoinOutcome:
    """What joining would do: the status the person gets, or why they cannot join."""

    status: str | None
    refusal: str = ""


def join_outcome(
    *,
    circle: Circle,
    membership: Membership | None,
    verified: bool,
    waitlist_count: int,
    has_upcoming_meeting: bool,
    via_invite: bool = False,
) -> JoinOutcome:
    """The rule for joining. ``via_invite``: the person holds a valid invitation link."""
    status = membership.status if membership else None
    if not verified:
        return JoinOutcome(None, gettext("Confirm your e-mail address before joining a circle."))
    already = {
        MembershipStatus.ACTIVE: gettext("You are already a member of this circle."),
        MembershipStatus.WAITLISTED: gettext("You are already on this circle's waitlist."),
        MembershipStatus.PENDING: gettext("You have already asked to join; a facilitator will answer soon."),
        MembershipStatus.REMOVED: gettext("A facilitator removed you from this circle."),
        MembershipStatus.DECLINED: gettext("A facilitator declined your request to join this circle."),
    }
    if status in already:
        return JoinOutcome(None, already[status])
    if circle.state == CircleState.DRAFT:
        return JoinOutcome(None, gettext("This circle is not open for sign-up yet."))
    if circle.state == CircleState.FINISHED:
        return JoinOutcome(None, gettext("This circle has finished."))
    if circle.state == CircleState.CANCELLED:
        return JoinOutcome(None, gettext("This circle was cancelled."))
    if not has_upcoming_meeting:
        return JoinOutcome(None, gettext("All of this circle's meetings are over."))
    invited = status == MembershipStatus.INVITED
    if invited and membership.role == Role.FACILITATOR:
        return JoinOutcome(MembershipStatus.ACTIVE)  # facilitators take no seat
    if not (invited or via_invite):
        if circle.join_policy == JoinPolicy.INVITE:
            return JoinOutcome(
                None, gettext("This circle takes only people with an invitation. Ask a facilitator for one.")
            )
        if circle.join_policy == JoinPolicy.APPROVAL:
            return JoinOutcome(MembershipStatus.PENDING)
    # First come, first served: while anyone is waiting, a freed seat is theirs, not a newcomer's.
    if circle.seats_taken < circle.capacity and waitlist_count == 0:
        return JoinOutcome(MembershipStatus.ACTIVE)
    return JoinOutcome(MembershipStatus.WAITLISTED)


@dataclass(frozen=True)
class JoinButton:
    """The circle page's call to action, with a sentence saying why it is what it is (the seats left are
    shown beside it, so the sentence never repeats them; a plain "Join circle" needs none)."""

    action: str  # "join" | "leave" | "accept" | "sign_in" | "none"
    label: str
    explanation: str
    #: Joining sends a request a facilitator answers: the form asks for a note to them.
    asks_approval: bool = False


def join_button(
    *,
    access: CircleAccess,
    verified: bool,
    waitlist_count: int,
    waitlist_position: int | None,
    has_upcoming_meeting: bool,
    via_invite: bool = False,
) -> JoinButton:
    circle, membership = access.circle, access.membership
    if not access.user.is_authenticated:
        return JoinButton(
            "sign_in", gettext("Sign in to join"), gettext("Sign in or create an account to join this circle.")
        )
    if access.is_facilitator:
        # Leaving or handing over is on the manage page, where the other facilitators are listed.
        return JoinButton("none", "", gettext("You facilitate this circle."))
    if access.status == MembershipStatus.ACTIVE:
        return JoinButton(
            "leave", gettext("Leave circle"), gettext("You are a member: your seat is yours until you leave.")
        )
    if access.status == MembershipStatus.WAITLISTED:
        return JoinButton(
            "leave",
            gettext("Leave waitlist"),
            gettext(
                "You are number %(position)d on the waitlist. When a seat frees up it goes to the first person "
                "waiting, and we will tell you at once."
            )
            % {"position": waitlist_position},
        )
    if access.status == MembershipStatus.PENDING:
        return JoinButton(
            "leave", gettext("Withdraw request"), gettext("You asked to join; a facilitator will answer soon.")
        )
    outcome = join_outcome(
        circle=circle,
        membership=membership,
        verified=verified,
        waitlist_count=waitlist_count,
        has_upcoming_meeting=has_upcoming_meeting,
        via_invite=via_invite,
    )
    invited = access.status == MembershipStatus.INVITED
    if outcome.status is None:
        return JoinButton("none", "", outcome.refusal)
    if invited:
        invitation = (
            gettext("You are invited to join as a facilitator.")
            if membership.role == Role.FACILITATOR
            else gettext("You are invited to join as a member.")
        )
        return JoinButton("accept", gettext("Accept invitation"), invitation)
    if outcome.status == MembershipStatus.PENDING:
        explanation = (
            gettext("A facilitator approves each request.")
            if circle.seats_free
            else gettext(
                "A facilitator approves each request. All seats are taken, so if approved you join the waitlist."
            )
        )
        return JoinButton("join", gettext("Ask to join"), explanation, asks_approval=True)
    if outcome.status == MembershipStatus.WAITLISTED:
        if circle.seats_free:
            # A seat just freed up; it is being offered to the people who were already waiting.
            situation = ngettext(
                "A seat has just freed up, but %(count)d person is waiting for one already.",
                "A seat has just freed up, but %(count)d people are waiting for one already.",
                waitlist_count,
            ) % {"count": waitlist_count}
        elif waitlist_count:
            situation = ngettext(
                "All %(capacity)d seats are taken and %(count)d person is waiting.",
                "All %(capacity)d seats are taken and %(count)d people are waiting.",
                waitlist_count,
            ) % {"capacity": circle.capacity, "count": waitlist_count}
        else:
            situation = gettext("All %(capacity)d seats are taken and nobody is waiting yet.") % {
                "capacity": circle.capacity
            }
        return JoinButton(
            "join",
            gettext("Join waitlist"),
            gettext("%(situation)s Join the waitlist: seats go first come, first served when someone leaves.")
            % {"situation": situation},
        )
    return JoinButton("join", pgettext("button", "Join circle"), "")
