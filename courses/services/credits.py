"""Credits on a course, and the consent each needs: to the credit and to the course's licence."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from p2pu.notifications.services import notification_send

from .. import notification_kinds
from ..licensing import Licence
from ..models import CourseCredit, CoursePage, CreditRole
from ..permissions import accepted_for, course_draft_licence, maintainers_of


def credit_add(
    *,
    course: CoursePage,
    person=None,
    external_name: str = "",
    external_url: str = "",
    role: str = CreditRole.AUTHOR,
    accepted: bool = False,
) -> CourseCredit:
    """Credit a person (or an external name) on a course.

    ``accepted=True`` records that they have already agreed to the credit and to the course's
    current licence (e.g. the demo data, or a maintainer crediting themselves).
    """
    return CourseCredit.objects.create(
        course=course,
        person=person,
        external_name=external_name,
        external_url=external_url,
        role=role,
        sort_order=course.credits.count(),
        accepted_at=timezone.now() if accepted else None,
        accepted_licence=course.licence if accepted else "",
    )


def credit_create(*, course: CoursePage, accepted: bool, **fields) -> CourseCredit:
    """A credit at the end of the course's list; ``accepted`` records consent now, as ``credit_accept`` does."""
    credit = CourseCredit(course=course, sort_order=course.credits.count(), **fields)
    if accepted:
        _credit_consent_record(credit)
    credit.save()
    return credit


def consent_terms(course: CoursePage) -> str:
    """What a consent covers, as a page shows it and posts it back: the live licence and, when the newest
    version moves to another, that one too."""
    draft_licence = course_draft_licence(course)
    return course.licence if draft_licence == course.licence else f"{course.licence} {draft_licence}"


def _credit_consent_record(credit: CourseCredit) -> None:
    """Agreement to the credit under the course's live licence and the one its newest version moves to."""
    draft_licence = course_draft_licence(credit.course)
    credit.accepted_at = timezone.now()
    credit.accepted_licence = credit.course.licence
    credit.accepted_next_licence = draft_licence if draft_licence != credit.course.licence else ""


def consented_course(*, course: CoursePage, licences_shown: str) -> CoursePage:
    """The course, locked until the transaction ends, once the licences the person was shown are still its
    licences; a ValidationError explaining the change otherwise.

    The lock holds back a publication or a new version (both write the page's row) until the consent is
    recorded, so the consent is to exactly what the page showed.
    """
    locked = CoursePage.objects.select_for_update().get(pk=course.pk)
    terms = consent_terms(locked).split()
    if licences_shown.split() != terms:
        raise ValidationError(
            _(
                "The licence of “%(title)s” changed while you were reading: it is now %(licences)s. "
                "Read the page again, then accept if you agree."
            )
            % {"title": locked.title, "licences": " / ".join(Licence(code).label for code in terms)}
        )
    return locked


@transaction.atomic
def credit_accept(*, credit: CourseCredit, licences_shown: str) -> CourseCredit:
    """The credited person (or, for an external name, a maintainer on their behalf) accepts the credit,
    under the licences the page showed them: the course's live licence and the one its newest version
    moves to. Refused when the licences have changed since."""
    credit = CourseCredit.objects.select_for_update().get(pk=credit.pk)
    credit.course = consented_course(course=credit.course, licences_shown=licences_shown)
    _credit_consent_record(credit)
    credit.save(update_fields=["accepted_at", "accepted_licence", "accepted_next_licence"])
    return credit


def credits_licence_published(*, course: CoursePage) -> int:
    """The course went live under its licence: agreements to that licence as the next one become the
    agreement to the live one. Returns how many credits moved."""
    return course.credits.filter(accepted_at__isnull=False, accepted_next_licence=course.licence).update(
        accepted_licence=course.licence, accepted_next_licence=""
    )


def external_credit_add(*, course: CoursePage, name: str, url: str = "", role: str = CreditRole.AUTHOR) -> CourseCredit:
    """Credit someone without an account; the maintainer adding it confirms it on their behalf. Nobody
    else vouches for the name, so it goes public with the course's next publish (through review)."""
    return credit_create(
        course=course, external_name=name, external_url=url, role=role, accepted=True, awaiting_review=True
    )


def external_credits_review_publish(*, course: CoursePage, revision=None) -> int:
    """The course was published with ``revision``: credits waiting for it, added before the revision was
    saved (so before it was submitted for review), go public. Returns how many."""
    waiting = course.credits.filter(awaiting_review=True)
    if revision is not None:
        waiting = waiting.filter(created_at__lte=revision.created_at)
    return waiting.update(awaiting_review=False)


def credits_consent_request(*, course: CoursePage, licence: str, requested_by) -> list:
    """Ask everyone whose credit is not yet accepted for ``licence`` to accept it (once per licence).

    People with an account are asked themselves; external credits are for the maintainers to confirm.
    """
    pending = list(course.credits.exclude(accepted_for(licence)).select_related("person"))
    label = Licence(licence).label
    sent = []
    for credit in pending:
        recipients = [credit.person] if credit.person_id else list(maintainers_of(course))
        for recipient in recipients:
            if recipient == requested_by:
                continue
            notification = notification_send(
                recipient=recipient,
                kind=notification_kinds.CREDIT_CONSENT,
                title=format_lazy(
                    gettext_lazy("Please confirm the credit on “{course}” under {licence}"),
                    course=course.title,
                    licence=label,
                ),
                body=format_lazy(
                    gettext_lazy("Before “{course}” can be published under {licence}, confirm the credit for {name}.")
                    if not credit.person_id
                    else gettext_lazy(
                        "Before “{course}” can be published under {licence}, accept your credit and the licence."
                    ),
                    course=course.title,
                    licence=label,
                    name=credit.name,
                ),
                url=reverse("courses:credits"),
                actor=requested_by,
                dedupe_key=f"course.credit_consent:{credit.pk}:{licence}:{recipient.pk}",
            )
            if notification is not None:
                sent.append(notification)
    return sent
