"""Peer review in a circle: an activity as the circle runs it, submissions and their versions,
review assignments (leases), reviews with rubric scores, and flags raised on reviews.

Writes go through ``cohorts.review.services``; the rules for who sees what are in
``cohorts.review.permissions``. The pure algorithms behind allocation and scoring live in
``cohorts.review.allocation`` and ``cohorts.review.scoring``.
"""

from .activities import AllocationMode, CircleActivity
from .appeals import AppealOutcome, FinalScore, ScoreAppeal
from .assignments import AssignmentSource, AssignmentState, ReviewAssignment
from .inline import InlineComment, InlineCommentFlag
from .practice import CalibrationAttempt, CalibrationExample, SelfAssessment
from .reviews import CriterionScore, FlagReason, Review, ReviewFlag
from .submissions import Submission, SubmissionAuthor, SubmissionState, SubmissionVersion

__all__ = [
    "AllocationMode",
    "AppealOutcome",
    "AssignmentSource",
    "AssignmentState",
    "CalibrationAttempt",
    "CalibrationExample",
    "CircleActivity",
    "CriterionScore",
    "FinalScore",
    "FlagReason",
    "InlineComment",
    "InlineCommentFlag",
    "Review",
    "ReviewAssignment",
    "ReviewFlag",
    "SelfAssessment",
    "ScoreAppeal",
    "Submission",
    "SubmissionAuthor",
    "SubmissionState",
    "SubmissionVersion",
]
