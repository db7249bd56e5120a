"""The other side of every door: one person's private world, and five people who must not get in.

world = private_world()
world.people["author of another course"]   # one of the five wrong-side roles (None is anonymous)
world.ids["circle_id"]                       # what fills a URL's arguments: the world's own objects
world.secrets                                # text only the world's own people may read

The world holds a draft course with its image, document and rubric; a published course whose circle
runs peer review and a discussion; a member's submission, a review, flags, invitations, a remix, a
notification and the tokens sent to its people. The five roles each have a life of their own next to
it (another circle, another course), so a refusal is a refusal of *this* world, not of everything.
"""

import io
from dataclasses import dataclass, field

from django.core.files.images import ImageFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from cohorts import services as circle_services
from cohorts.discussions import services as discussion_services
from cohorts.models import (
    Circle,
    CircleState,
    CourseRating,
    CourseRatingFlag,
    ReviewAssignment,
)
from cohorts.organisations import services as organisation_services
from cohorts.review import services as review_services
from cohorts.review.services.calibration import calibration_example_save
from cohorts.surveys import services as survey_services
from courses import services as course_services
from courses.models import CreditRole
from courses.remix.services import remix_course
from p2pu.notifications.models import Notification
from tests.cohorts.discussions.images import png_upload
from tests.cohorts.factories import join, make_circle
from tests.cohorts.review_setup import ACTIVITY_ID, hand_in, review_circle, review_done
from tests.courses.authoring_setup import started_course
from tests.courses.factories import RubricFactory, criteria
from tests.courses.remix_setup import published_course
from tests.factories import UserFactory

ROLES = (
    "anonymous",
    "verified learner",
    "member of another circle",
    "author of another course",
    "facilitator of another circle",
)
#: The one role with Wagtail admin access (learners who author a course get it).
WITH_ADMIN_ACCESS = ROLES[3]

DRAFT_COURSE_TITLE = "Zephyr draft course"
DRAFT_IMAGE_TITLE = "Zephyr draft diagram"
DRAFT_DOCUMENT_TITLE = "Zephyr draft handout"
DRAFT_RUBRIC_TITLE = "Zephyr draft rubric"
SUBMISSION_TEXT = "Zephyr submission: my private plan"
REVIEW_COMMENT = "Zephyr review: the timings are vague"
POST_BODY = "Zephyr post: only my circle reads this"
FLAG_NOTE = "Zephyr flag note"
MESSAGE_BODY = "Zephyr message to the members"
EXAMPLE_TEXT = "Zephyr calibration example: work to practise on"
COMMENT_TEXT = "Zephyr inline comment on a passage"
GOAL_TEXT = "Zephyr goal: explain the course to my team"
HIDDEN_REVIEW_TEXT = "Zephyr course review that a site editor hid"
ORGANISATION_REQUEST = "Zephyr request: let me run circles with you"
ORGANISATION_INVITEE = "zephyr-org-invitee@example.org"


@dataclass
class World:
    people: dict = field(default_factory=dict)
    #: Values for URL arguments, by argument name (a URL may override by its own name).
    ids: dict = field(default_factory=dict)
    secrets: tuple = ()
    author: object = None
    draft: object = None
    draft_module_id: int = 0
    course_invitation_id: int = 0
    #: The world's own people: its facilitator, a learner with work under review, the draft's author.
    insiders: dict = field(default_factory=dict)


def _image(title: str, collection):
    buffer = io.BytesIO()
    PILImage.new("RGB", (4, 3), "teal").save(buffer, "PNG")
    return get_image_model().objects.create(
        title=title, collection=collection, file=ImageFile(io.BytesIO(buffer.getvalue()), name="zephyr.png")
    )


def _document(title: str, collection):
    return get_document_model().objects.create(
        title=title, collection=collection, file=SimpleUploadedFile("zephyr.txt", b"Zephyr handout")
    )


def _their_own_lives(people: dict) -> None:
    """Give each wrong-side role what makes them that role: a circle, a course."""
    elsewhere = make_circle(course=published_course(modules=("Elsewhere",)), facilitator=people[ROLES[4]])
    join(elsewhere, people[ROLES[2]])
    # Starting a course puts its author in the learner authors' group, which opens Wagtail's admin.
    started_course(maintainer=people[ROLES[3]], title="Another author's course")


def private_world() -> World:
    people = {"anonymous": None} | {role: UserFactory() for role in ROLES[1:]}
    _their_own_lives(people)

    # A draft course with its own image, document and rubric, which nobody but its author may see.
    author = UserFactory(username="zephyr-author", display_name="Zephyr Author")
    draft = started_course(maintainer=author, title=DRAFT_COURSE_TITLE)
    image = _image(DRAFT_IMAGE_TITLE, draft.collection)
    document = _document(DRAFT_DOCUMENT_TITLE, draft.collection)
    rubric = RubricFactory(title=DRAFT_RUBRIC_TITLE, course=draft, criteria=criteria("Zephyr clarity"))
    credit = draft.credits.get(person=author)
    invitation = course_services.coauthor_invite(
        course=draft, invited_by=author, email="zephyr-coauthor@example.org", role=CreditRole.AUTHOR
    )

    # A circle on a published course, with peer review and a discussion among its members.
    rc = review_circle(learners=4, names=("Zephyr Learner", "Zephyr Second", "Zephyr Third", "Zephyr Fourth"))
    circle, facilitator, learners = rc.circle, rc.facilitator, rc.learners
    submissions = [hand_in(rc, learner, text=f"{SUBMISSION_TEXT} {n}") for n, learner in enumerate(learners)]
    review_services.reviews_allocate_at_deadline(activity=rc.activity())
    assignment = ReviewAssignment.objects.filter(submission=submissions[0]).order_by("pk").first()
    review = review_done(assignment, levels=(3, 4), comment=REVIEW_COMMENT)
    comment = review_services.inline_comment_add(
        assignment=assignment, by=assignment.reviewer, body=COMMENT_TEXT, sentence=1
    )
    comment_flag = review_services.inline_comment_flag(
        comment=comment, by=learners[0], reason="unfair", explanation=FLAG_NOTE
    )
    example = calibration_example_save(
        activity=rc.activity(),
        by=facilitator,
        title="Zephyr example",
        text=EXAMPLE_TEXT,
        scores=dict.fromkeys(rc.criterion_ids(), (3, "About right")),
    )
    review_flag = review_services.review_flag(review=review, by=learners[0], reason="unfair", explanation=FLAG_NOTE)
    thread = discussion_services.thread_create(
        circle=circle, by=learners[1], title="Zephyr thread", body=POST_BODY, images=[png_upload()]
    )
    post = discussion_services.post_create(thread=thread, by=learners[2], body=f"{POST_BODY} (reply)")
    post_flag = discussion_services.post_flag(post=post, by=learners[1], reason="unkind", note=FLAG_NOTE)
    circle_services.circle_message_send(circle=circle, sender=facilitator, subject="Zephyr", body=MESSAGE_BODY)
    link = circle_services.invite_link_create(circle=circle, by=facilitator, valid_days=7)
    meeting = circle.meetings.order_by("starts_at").first()
    membership = circle.memberships.get(user=learners[0])
    survey_services.goal_set(circle=circle, user=learners[0], goal=GOAL_TEXT, goal_confidence=3)

    # A course review a site editor hid after a member flagged it: nobody may read, flag or answer it.
    finished = make_circle(course=rc.circle.course.specific, facilitator=facilitator, name="Zephyr finished")
    reviewer = join(finished, learners[3])
    Circle.objects.filter(pk=finished.pk).update(state=CircleState.FINISHED)
    hidden_rating = CourseRating.objects.create(
        membership=reviewer,
        course=rc.circle.course.specific,
        rating=1,
        review=HIDDEN_REVIEW_TEXT,
        hidden_at=timezone.now(),
    )
    rating_flag = CourseRatingFlag.objects.create(rating=hidden_rating, raised_by=learners[1], explanation=FLAG_NOTE)

    # The circle is run by an organisation whose organiser is its facilitator, with a learner asking to join
    # and an open invitation.
    organisation = organisation_services.organisation_create(by=facilitator, name="Zephyr Library")
    circle.organisation = organisation
    circle.save(update_fields=["organisation"])
    organisation_request = organisation_services.join_request(
        organisation=organisation, user=learners[3], message=ORGANISATION_REQUEST
    )
    organisation_invitation = organisation_services.invitation_send(
        organisation=organisation, by=facilitator, email=ORGANISATION_INVITEE, role="organiser"
    )

    # A remix of the circle's course, by the draft course's author.
    remix = remix_course(source=rc.circle.course, user=author, licence=rc.circle.course.specific.licence)
    derivation = remix.derivations.first()

    ids = {
        "circle_id": circle.pk,
        "course_id": draft.pk,
        "module_id": rc.module.pk,
        "activity_id": ACTIVITY_ID,
        "activity_pk": rc.activity().pk,
        "meeting_id": meeting.pk,
        "membership_id": membership.pk,
        "action": "remove",
        "link_id": link.pk,
        "assignment_id": assignment.pk,
        "submission_id": submissions[0].pk,
        "number": 1,
        "review_id": review.pk,
        "review_flag_id": review_flag.pk,
        "post_flag_id": post_flag.pk,
        "thread_id": thread.pk,
        "post_id": post.pk,
        "attachment_id": thread.posts.order_by("pk").first().attachments.get().pk,
        "block_id": "5d1c2a4e-6b7f-4c1d-9e2f-3a4b5c6d7e8f",
        "token": circle_services.invite_link_token(link),
        "credit_id": credit.pk,
        "derivation_id": derivation.pk,
        "course_slug": draft.slug,
        "format": "epub",
        "kind": "updated",
        "username": facilitator.username,
        "notification_id": Notification.objects.filter(recipient=learners[0]).order_by("pk").first().pk,
        "page_id": draft.pk,
        "image_id": image.pk,
        "image_file": image.file.name,
        "example_id": example.pk,
        "comment_id": comment.pk,
        "comment_flag_id": comment_flag.pk,
        "rating_id": hidden_rating.pk,
        "course_rating_flag_id": rating_flag.pk,
        "document_id": document.pk,
        "rubric_id": rubric.pk,
        "remix_id": remix.pk,
        "facilitator_id": facilitator.pk,
        "author_id": author.pk,
        "slug": organisation.slug,
        "member_id": organisation_request.pk,
        "invitation_id": organisation_invitation.pk,
        "organisation_action": "approve",
    }
    secrets = (
        DRAFT_COURSE_TITLE,
        DRAFT_IMAGE_TITLE,
        DRAFT_DOCUMENT_TITLE,
        DRAFT_RUBRIC_TITLE,
        SUBMISSION_TEXT,
        REVIEW_COMMENT,
        POST_BODY,
        FLAG_NOTE,
        MESSAGE_BODY,
        EXAMPLE_TEXT,
        COMMENT_TEXT,
        GOAL_TEXT,
        HIDDEN_REVIEW_TEXT,
        ORGANISATION_REQUEST,
        ORGANISATION_INVITEE,
        learners[0].email,
        author.email,
        author.username,
    )
    return World(
        people=people,
        ids=ids,
        secrets=secrets,
        author=author,
        draft=draft,
        draft_module_id=remix.get_children().first().pk,
        course_invitation_id=invitation.pk,
        insiders={"facilitator": facilitator, "learner": learners[0], "author": author},
    )
