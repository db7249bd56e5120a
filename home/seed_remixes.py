"""Demo remixes, made through the remix services as people would. Idempotent.

Dana remixes the BY-SA course "Facilitating a study circle" for libraries (so the remix is BY-SA too),
rewrites one module and includes a module of the BY-NC-ND writing course verbatim; Emil then remixes
Dana's remix for teenagers and adds an external handbook as a source: a remix of a remix, whose pages
show the attribution chain three generations deep.
"""

import uuid

from django.contrib.auth import get_user_model
from django.db import transaction

from courses.models import CoursePage, DerivationKind, ModulePage
from courses.remix.services import derivation_changes_set, external_source_add, module_import, remix_course

_BLOCK_NAMESPACE = uuid.UUID("0b6f3f0e-6a43-4d8e-93f4-5f3a3f2d1c71")

LIBRARY = {
    "slug": "facilitating-a-library-study-circle",
    "source": "facilitating-a-study-circle",
    "remixer": "dana",
    "title": "Facilitating a library study circle",
    "summary": "Run a peer learning group at your public library: plan the first meeting around the "
    "library's space and collection, keep everyone talking, and close with next steps.",
    "change_note": "Examples and a first-meeting plan for public library study groups",
    "module": {
        "slug": "your-first-meeting",
        "change_note": "A first-meeting plan that uses the library's space and collection",
        "callout": "<p>Book the library's community room for the whole run of the circle, and ask a "
        "librarian to bring three books on your topic to the first meeting.</p>",
    },
    "verbatim": ("writing-for-the-open-web", "plain-words"),
}
TEENS = {
    "slug": "facilitating-a-study-circle-for-teens",
    "source": LIBRARY["slug"],
    "remixer": "emil",
    "title": "Facilitating a study circle for teens",
    "summary": "Help a group of teenagers learn together after school: shorter meetings, clear roles and "
    "feedback that stays kind.",
    "change_note": "Shorter meetings and roles for secondary-school groups",
    "module": {
        "slug": "keeping-the-conversation-going",
        "change_note": "Talking-piece and role cards for groups of teenagers",
        "callout": "<p>Give everyone a role card at the start (time-keeper, note-taker, question-asker) and "
        "swap the cards every meeting.</p>",
    },
    "external": {
        "url": "https://www.p2pu.org/en/facilitate/",
        "title": "The Learning Circle Facilitator Handbook",
        "author": "Peer 2 Peer University",
        "licence": "CC-BY-4.0",
        "changes": "its advice on roles, rewritten as role cards",
    },
}


def _publish(page, user) -> None:
    page.get_latest_revision().publish(user=user, skip_permission_checks=True)


def _rewrite(module: ModulePage, user, *, change_note: str, callout: str) -> None:
    """A remixer's edit: a tip of their own at the top of the module, described in the change note."""
    draft = module.get_latest_revision_as_object()
    tip = {
        "type": "callout",
        "id": str(uuid.uuid5(_BLOCK_NAMESPACE, f"{module.slug}/{change_note}")),
        "value": {"kind": "tip", "title": "In practice", "text": callout},
    }
    draft.body = [tip, *draft.body.get_prep_value()]
    draft.change_note = change_note
    draft.save_revision(user=user, log_action=True)


def _remix_seed(spec: dict, people: dict) -> CoursePage:
    remixer = people[spec["remixer"]]
    source = CoursePage.objects.get(slug=spec["source"])
    remix = remix_course(source=source, user=remixer, licence=source.licence, title=spec["title"])
    if "verbatim" in spec:
        course_slug, module_slug = spec["verbatim"]
        included = ModulePage.objects.get(slug=module_slug, url_path__contains=f"/{course_slug}/")
        module_import(source=included, course=remix, user=remixer, kind=DerivationKind.VERBATIM)
    if "external" in spec:
        external = spec["external"]
        link = external_source_add(
            target=remix,
            user=remixer,
            kind=DerivationKind.ADAPTATION,
            url=external["url"],
            title=external["title"],
            author=external["author"],
            licence=external["licence"],
        )
        derivation_changes_set(derivation=link, changes=external["changes"])

    draft = remix.get_latest_revision_as_object()
    draft.slug = spec["slug"]
    draft.summary = spec["summary"]
    draft.change_note = spec["change_note"]
    draft.save_revision(user=remixer, log_action=True)
    _publish(draft, remixer)

    edited = ModulePage.objects.child_of(remix).get(slug=spec["module"]["slug"])
    _rewrite(edited, remixer, change_note=spec["module"]["change_note"], callout=spec["module"]["callout"])
    for module in ModulePage.objects.child_of(remix).order_by("path"):
        _publish(module, remixer)
    return CoursePage.objects.get(pk=remix.pk)


@transaction.atomic
def seed_remixes() -> list[CoursePage]:
    """A remix of a demo course and a remix of that remix; one that already exists (by slug) is left as it is."""
    people = {person.username: person for person in get_user_model().objects.filter(username__in={"dana", "emil"})}
    remixes = []
    for spec in (LIBRARY, TEENS):
        remix = CoursePage.objects.filter(slug=spec["slug"]).first()
        remixes.append(remix or _remix_seed(spec, people))
    return remixes
