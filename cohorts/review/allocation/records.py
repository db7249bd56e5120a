"""The records allocation works with: submissions, candidates, results and the problems it reports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import TypeAlias

PersonId: TypeAlias = int | str
SubmissionId: TypeAlias = int | str


@dataclass(frozen=True)
class Submission:
    """Work handed in for review; ``authors`` holds every co-author."""

    id: SubmissionId
    authors: frozenset[PersonId]


class ProblemKind(Enum):
    """Ways an allocation can fall short of the rules."""

    #: Nobody may review, so no submission gets a review.
    NOBODY_MAY_REVIEW = "nobody_may_review"
    #: Only one person submitted (``people`` is 1), so nobody can review their work.
    LONE_SUBMITTER = "lone_submitter"
    #: Only ``people`` submitted, so each submission gets at most ``reviews`` (< ``k``).
    TOO_FEW_SUBMITTERS = "too_few_submitters"
    #: ``pairs`` pairs review each other's work in a circle of ``people`` (one author each);
    #: avoiding that takes ``2 k + 1`` people.
    SMALL_CIRCLE_RECIPROCAL_PAIRS = "small_circle_reciprocal_pairs"
    #: ``pairs`` pairs of people review each other's work (circles with groups or odd reviewers).
    RECIPROCAL_PAIRS = "reciprocal_pairs"
    #: ``submission`` gets only ``reviews`` of ``k``; ``others`` reviewers did not write it.
    SUBMISSION_SHORT = "submission_short"
    #: ``person`` gives only ``reviews`` of ``k``; ``others`` submissions are by someone else.
    REVIEWER_SHORT = "reviewer_short"
    #: Late ``submission`` gets only ``reviews`` of ``k``: nobody else who did not write it may review it.
    LATE_SUBMISSION_SHORT = "late_submission_short"


@dataclass(frozen=True)
class Problem:
    """One place where an allocation falls short of the rules, with the ids and numbers involved.

    Only the fields its ``kind`` describes are set; the caller words it for people.
    """

    kind: ProblemKind
    submission: SubmissionId | None = None
    person: PersonId | None = None
    k: int = 0
    reviews: int = 0
    others: int = 0
    people: int = 0
    pairs: int = 0


@dataclass(frozen=True)
class Allocation:
    """Result of an allocation.

    ``assignments`` holds ``(reviewer, submission id)`` pairs sorted by reviewer, then
    submission. ``problems`` says where the result falls short of the rules (empty when it
    does not). ``load`` counts the reviews each reviewer gives and ``received`` the reviews
    each submission gets.
    """

    assignments: list[tuple[PersonId, SubmissionId]]
    problems: list[Problem]
    load: dict[PersonId, int]
    received: dict[SubmissionId, int]


@dataclass(frozen=True)
class Candidate:
    """A submission open for rolling review, with its review counts right now."""

    id: SubmissionId
    authors: frozenset[PersonId]
    done: int
    leased: int
    submitted_at: datetime


def id_sort_key(value: PersonId | SubmissionId) -> tuple[bool, PersonId | SubmissionId]:
    """Sort key for ids that orders integers and strings even when they are mixed."""
    return (isinstance(value, str), value)
