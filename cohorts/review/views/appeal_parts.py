"""The final score and the appeal of a piece of work, as its page shows them (two queries at most three)."""

from __future__ import annotations

from cohorts.models import FinalScore, Review, ScoreAppeal

from .. import permissions


def final_score_rows(final: FinalScore, criteria: list[dict]) -> list[tuple[dict, int | None, str]]:
    """(criterion, score, level label) per criterion of the activity."""
    rows = []
    for criterion in criteria:
        score = final.scores.get(criterion["id"])
        label = next((level["label"] for level in criterion["levels"] if level["score"] == score), "")
        rows.append((criterion, score, label))
    return rows


def score_decisions_context(*, seen: permissions.SubmissionAccess, can_read_feedback: bool) -> dict:
    submission = seen.submission
    if not (seen.is_facilitator or (seen.is_author and can_read_feedback)) or not submission.is_submitted:
        return {}
    final = FinalScore.objects.filter(submission=submission).select_related("set_by").first()
    appeal = ScoreAppeal.objects.filter(submission=submission).select_related("extra_assignment").first()
    may_appeal = (
        appeal is None
        and permissions.can_appeal(seen, can_read_feedback=can_read_feedback)
        and Review.objects.filter(submission=submission).counted().exists()
    )
    return {
        "final_score": final,
        "final_score_rows": final_score_rows(final, submission.activity.criteria) if final else [],
        "appeal": appeal,
        "may_appeal": may_appeal,
        "may_set_final_score": seen.is_facilitator,
    }
