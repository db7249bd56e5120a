"""Set-up for the authoring tests, made through the services learners go through.

course = started_course()                      # a draft course; its maintainer is course_maintainer(course)
author = coauthor(course)                      # invited and accepted as author
reviewer = coauthor(course, role="maintainer")
"""

from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from courses import services
from courses.models import CoursePage, CreditRole
from courses.permissions import LEARNER_AUTHORS_GROUP_NAME
from tests.courses.factories import course_index
from tests.factories import UserFactory


def started_course(*, maintainer=None, title: str = "Writing together", licence: str = "CC-BY-SA-4.0") -> CoursePage:
    course_index()
    maintainer = maintainer or UserFactory()
    return services.course_start(user=maintainer, title=title, summary=f"What {title} is about.", licence=licence)


def course_maintainer(course: CoursePage):
    """The course's first maintainer: the person who started it."""
    return course.credits.filter(role=CreditRole.MAINTAINER).order_by("pk").first().person


def coauthor(course: CoursePage, *, role: str = CreditRole.AUTHOR, person=None):
    person = person or UserFactory()
    invitation = services.coauthor_invite(
        course=course, invited_by=course_maintainer(course), email=person.email, role=role
    )
    services.invitation_accept(invitation=invitation, user=person, licences_shown=services.consent_terms(course))
    return person


def site_editor():
    return UserFactory(is_superuser=True, is_staff=True)


def learner_authors_group() -> Group:
    return Group.objects.get(name=LEARNER_AUTHORS_GROUP_NAME)


def refused(response) -> bool:
    """Wagtail's admin answers a refusal with 403/404 (405 for a method the URL does not take), or by
    sending the person to the dashboard (with "Sorry, you do not have permission") or to the login
    page when they have no admin access at all."""
    if response.status_code in (403, 404, 405):
        return True
    location = response.get("Location", "")
    return response.status_code == 302 and (
        location == reverse("wagtailadmin_home")
        or location.startswith((reverse("wagtailadmin_login"), "/accounts/login/"))
    )


def edit_url(page) -> str:
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def course_form_data(course: CoursePage, **changes) -> dict:
    """What the admin's course editor posts, with ``changes`` applied."""
    data = {
        "title": course.title,
        "slug": course.slug,
        "summary": course.summary,
        "description": rich_text(""),
        "outcomes": streamfield([]),
        "topics": "",
        "language": course.language,
        "level": course.level,
        "estimated_hours": "",
        "licence": course.licence,
        "cover_image": "",
        "cover_image_alt": "",
        "change_note": "",
        "comments": inline_formset([]),
    }
    data.update(changes)
    return nested_form_data(data)


def module_form_data(*, title: str, slug: str, body=(), **changes) -> dict:
    data = {
        "title": title,
        "slug": slug,
        "summary": "",
        "objectives": streamfield([]),
        "duration_minutes": "",
        "licence": "",
        "body": streamfield(list(body)),
        "change_note": "",
        "comments": inline_formset([]),
    }
    data.update(changes)
    return nested_form_data(data)


def list_block(items) -> dict:
    """ListBlock form data, for use inside ``nested_form_data``."""
    data = {
        str(index): {"value": item, "deleted": "", "order": str(index), "id": ""} for index, item in enumerate(items)
    }
    data["count"] = str(len(items))
    return data


def rubric_form_data(*, title: str, course) -> dict:
    """A rubric with one criterion scored 1 and 2, as the admin's rubric form posts it."""
    levels = [{"score": str(score), "label": f"Level {score}", "descriptor": f"At level {score}."} for score in (1, 2)]
    criterion = {"name": "Clarity", "description": "", "levels": list_block(levels)}
    return nested_form_data(
        {
            "title": title,
            "course": course.pk if course else "",
            "description": "",
            "criteria": streamfield([("criterion", criterion)]),
        }
    )
