"""Members' answers to "are you coming?" for each upcoming meeting, and the signed links in reminder e-mails.

A reminder carries one link per answer. The link holds the membership, the meeting and the answer, signed
with ``django.core.signing``; it is the credential (no sign-in needed from a mail client), and it stops
working once the meeting begins, is cancelled, or the person is no longer an active member. Opening it
shows a page with one button that records the answer: a GET never writes, because mail scanners and link
previews open every link in a message and would answer for the person.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core import signing
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from p2pu.core.links import absolute_reverse
from p2pu.core.permissions import require

from ..models import JOINABLE_STATES, Meeting, MeetingRsvp, Membership, MembershipStatus, RsvpAnswer

RSVP_LINK_SALT = "cohorts.rsvp"


def rsvp_check(*, meeting: Meeting, membership: Membership | None, now: dt.datetime) -> None:
    """Raise PermissionDenied unless an active member of the meeting's circle is answering, and
    ValidationError unless the meeting is still ahead, not cancelled, in a circle that is under way."""
    require(
        membership is not None
        and membership.status == MembershipStatus.ACTIVE
        and membership.circle_id == meeting.circle_id,
        _("Only this circle's members can answer for its meetings."),
    )
    if meeting.is_cancelled or meeting.circle.state not in JOINABLE_STATES:
        raise ValidationError(_("This meeting is cancelled."))
    if meeting.starts_at <= now:
        raise ValidationError(_("This meeting has already begun."))


def rsvp_set(*, meeting: Meeting, membership: Membership | None, answer: str, now=None) -> MeetingRsvp:
    """Record a member's answer for an upcoming meeting; the latest answer replaces an earlier one."""
    now = now or timezone.now()
    rsvp_check(meeting=meeting, membership=membership, now=now)
    if answer not in RsvpAnswer.values:
        raise ValidationError(_("Answer “Going” or “Not going”."))
    rsvp, _created = MeetingRsvp.objects.update_or_create(
        meeting=meeting, membership=membership, defaults={"answer": answer, "answered_at": now}
    )
    return rsvp


class RsvpLinks:
    """The absolute URLs of reminders' one-click answers, for many reminders at once: the address around the
    token is reversed once (a ``reverse`` costs more than the signing), and each token signed per member,
    meeting and answer. Tokens hold only characters a URL keeps as they are, so this is what ``reverse``
    would give."""

    _MARK = "rsvp-token"

    def __init__(self):
        self._before, self._after = absolute_reverse("cohorts:rsvp_link", kwargs={"token": self._MARK}).split(
            self._MARK
        )

    def url(self, *, membership: Membership, meeting: Meeting, answer: str) -> str:
        payload = {"membership": membership.pk, "meeting": meeting.pk, "answer": answer}
        return f"{self._before}{signing.dumps(payload, salt=RSVP_LINK_SALT)}{self._after}"


@dataclass(frozen=True)
class RsvpLink:
    """What a valid answer link stands for."""

    membership: Membership
    meeting: Meeting
    answer: str

    @property
    def answer_label(self) -> str:
        return RsvpAnswer(self.answer).label


def rsvp_link_read(*, token: str) -> RsvpLink:
    """Raises signing.BadSignature for a link that was not made here or names nothing that exists.

    It carries no age of its own: it expires with its meeting (``rsvp_check``).
    """
    data = signing.loads(token, salt=RSVP_LINK_SALT)
    if not isinstance(data, dict) or data.get("answer") not in RsvpAnswer.values:
        raise signing.BadSignature("The link names no answer.")
    membership = Membership.objects.filter(pk=data.get("membership")).first()
    meeting = Meeting.objects.select_related("circle").filter(pk=data.get("meeting")).first()
    if membership is None or meeting is None:
        raise signing.BadSignature("The link names no current membership or meeting.")
    return RsvpLink(membership=membership, meeting=meeting, answer=data["answer"])
