"""Credits in derivatives: a person left out of (or back in) the attribution remixes give."""

from django.db import transaction

from ...models import CourseCredit
from ...models.remix import Derivation


def _scrub(snapshot: dict, credit_ids: set[int], *, name: str, opted_out: bool) -> bool:
    """Mark (or unmark) these credits as left out, in a snapshot and its earlier sources; True if changed."""
    changed = False
    for author in snapshot.get("authors", []):
        if credit_ids & set(author.get("credit_ids", [])):
            author["opted_out"] = opted_out
            author["name"] = "" if opted_out else name
            changed = True
    for earlier in snapshot.get("sources", []):
        changed = _scrub(earlier, credit_ids, name=name, opted_out=opted_out) or changed
    return changed


@transaction.atomic
def credit_opt_out_set(*, credit: CourseCredit, opted_out: bool) -> CourseCredit:
    """Leave the person out of (or back in) the credits that remixes of the course give (CC BY 4.0
    §3(a)(3)). Remixes made before are updated too, down the whole family: their chains then say
    "an earlier contributor"."""
    credit.opted_out_of_derivatives = opted_out
    credit.save(update_fields=["opted_out_of_derivatives"])
    person_credits = (
        CourseCredit.objects.filter(course=credit.course, person=credit.person)
        if credit.person_id
        else CourseCredit.objects.filter(pk=credit.pk)
    )
    # A person credited in several roles is one author in a snapshot: they are left out if any of
    # their credits asks for it.
    hidden = person_credits.filter(opted_out_of_derivatives=True).exists()
    credit_ids = set(person_credits.values_list("pk", flat=True))
    frontier = {credit.course_id}
    seen = set(frontier)
    while frontier:
        # Remixes of these courses keep the snapshot directly; their own remixes, among their sources.
        links = list(Derivation.objects.select_for_update().filter(source_course__in=frontier))
        changed = [link for link in links if _scrub(link.snapshot, credit_ids, name=credit.name, opted_out=hidden)]
        Derivation.objects.bulk_update(changed, ["snapshot"])
        frontier = {link.target_course_id for link in links} - seen
        seen |= frontier
    return credit
