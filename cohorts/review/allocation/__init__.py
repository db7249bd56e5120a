"""Who reviews which submission: at the deadline, for late work, and on request (rolling).

Pure functions without Django: the cohorts app turns their results into review
assignments, words their :class:`Problem` records for people, and tests its SQL for
rolling review against :func:`rolling_order`.

One module per job: ``deadline`` (everything handed in on time, at once), ``repair`` (its dealing
and swapping for circles that do not fit a one-to-one circle), ``late`` (work handed in after) and
``rolling`` (what to offer next on request); ``records`` holds the data they share.
"""

from .deadline import allocate_at_deadline
from .late import allocate_late_submission
from .records import (
    Allocation,
    Candidate,
    PersonId,
    Problem,
    ProblemKind,
    Submission,
    SubmissionId,
    id_sort_key,
)
from .rolling import next_submission, rolling_order

__all__ = [
    "Allocation",
    "Candidate",
    "PersonId",
    "Problem",
    "ProblemKind",
    "Submission",
    "SubmissionId",
    "allocate_at_deadline",
    "allocate_late_submission",
    "id_sort_key",
    "next_submission",
    "rolling_order",
]
