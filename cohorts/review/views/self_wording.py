"""An author's self-scores beside their reviewers', in words (the arithmetic: ``cohorts.review.self_comparison``)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..self_comparison import SelfComparison


def self_comparison_summary(comparison: SelfComparison, criteria: list[dict]) -> list[str]:
    """Plain sentences on where the author was generous or harsh with their own work."""
    names = {criterion["id"]: criterion["name"] for criterion in criteria}

    def listed(verdict: str) -> str:
        return ", ".join(f"“{names[c.criterion]}”" for c in comparison.with_verdict(verdict))

    overall = comparison.overall
    if overall == "unknown" and not comparison.with_verdict("generous") and not comparison.with_verdict("harsh"):
        return [_("Once your reviews are in, you will see here how your own scores compare with theirs.")]
    sentences = []
    if overall == "close":
        sentences.append(
            _(
                "Your own scores are within a level of your reviewers' on every criterion: "
                "you judge your work much as others do."
            )
        )
    if comparison.with_verdict("generous"):
        sentences.append(
            _(
                "You scored your work higher than your reviewers did on %(criteria)s. That is common, since we know "
                "what we meant to do; reread those criteria's level descriptions and look for what a reader might miss."
            )
            % {"criteria": listed("generous")}
        )
    if comparison.with_verdict("harsh"):
        sentences.append(
            _(
                "You scored your work lower than your reviewers did on %(criteria)s: "
                "it may be stronger there than you think."
            )
            % {"criteria": listed("harsh")}
        )
    if comparison.with_verdict("close") and overall != "close":
        sentences.append(_("On %(criteria)s you were within a level of them.") % {"criteria": listed("close")})
    return sentences


def self_comparison_rows(comparison: SelfComparison, criteria: list[dict]) -> list[dict]:
    """One row per criterion: the self-score, the peers' median, the facilitators' and a short note."""
    rows = []
    for criterion, item in zip(criteria, comparison.criteria, strict=True):
        if item.verdict == "unknown":
            note = _("No reviews to compare with yet")
        elif item.verdict == "close":
            note = _("Close")
        else:
            steps = round(abs(item.steps))
            template = (
                ngettext("Generous by %(n)d level", "Generous by %(n)d levels", steps)
                if item.verdict == "generous"
                else ngettext("Harsh by %(n)d level", "Harsh by %(n)d levels", steps)
            )
            note = template % {"n": steps}
        rows.append({"criterion": criterion, "comparison": item, "note": note})
    return rows
