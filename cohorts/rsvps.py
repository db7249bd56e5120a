"""Who is coming to a circle's upcoming meetings, as the circle page and the manage page show it.

One query reads every answer for the meetings given; the members come from the caller, who has already
loaded them, so the cost does not grow with the number of meetings or members.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .models import Meeting, MeetingRsvp, Membership, RsvpAnswer


@dataclass
class MeetingAnswers:
    """One upcoming meeting: the viewer's own answer, and (for facilitators) everyone's."""

    meeting: Meeting
    mine: str | None = None
    going: list[Membership] = field(default_factory=list)
    not_going: list[Membership] = field(default_factory=list)
    no_answer: list[Membership] = field(default_factory=list)

    @property
    def mine_label(self) -> str:
        return RsvpAnswer(self.mine).label if self.mine else ""


def answers_read(meetings) -> dict[tuple[int, int], str]:
    """Every answer to these meetings (a list, or a queryset of them), by (meeting id, membership id)."""
    return {
        (meeting_id, membership_id): answer
        for meeting_id, membership_id, answer in MeetingRsvp.objects.filter(meeting__in=meetings).values_list(
            "meeting_id", "membership_id", "answer"
        )
    }


def meeting_answers(
    *,
    meetings: list[Meeting],
    members: list[Membership],
    viewer: Membership | None,
    answers: dict[tuple[int, int], str] | None = None,
) -> list[MeetingAnswers]:
    """Each meeting's answers; ``members`` are the circle's active members (their users loaded), ``answers``
    those ``answers_read`` gives, when the caller has them already."""
    if not meetings:
        return []
    if answers is None:
        answers = answers_read(meetings)
    rows = []
    for meeting in meetings:
        row = MeetingAnswers(meeting=meeting, mine=answers.get((meeting.pk, viewer.pk)) if viewer else None)
        for member in members:
            answer = answers.get((meeting.pk, member.pk))
            if answer == RsvpAnswer.GOING:
                row.going.append(member)
            elif answer == RsvpAnswer.NOT_GOING:
                row.not_going.append(member)
            else:
                row.no_answer.append(member)
        rows.append(row)
    return rows
