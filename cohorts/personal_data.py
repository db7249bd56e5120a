"""What the study circles hold about a person: exported into their data download, and deleted or
anonymised when they delete their account. Registered from CohortsConfig.ready()."""

from __future__ import annotations

import posixpath

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from p2pu.core.links import absolute_url

from .models import (
    Attendance,
    Circle,
    CircleState,
    CourseRating,
    CourseRatingFlag,
    FacilitatorSurvey,
    LearnerSurvey,
    MeetingFeedback,
    MeetingRsvp,
    Membership,
    MembershipStatus,
    OrganisationInvitation,
    OrganisationMembership,
    Post,
    PostAttachment,
    PostFlag,
    Review,
    ReviewAssignment,
    ReviewFlag,
    Submission,
    SubmissionAuthor,
    Thread,
)
from .models.review.assignments import AssignmentState
from .organisations.services import organisations_erase_for
from .services.seats import lock_circle, queue_waitlist_promotion, release_seat


def _when(value):
    return value.isoformat() if value else None


# Deleting an account ---------------------------------------------------------------------------------


def blockers(*, user) -> list[str]:
    """Circles that would be left with nobody to run them: the person hands them over (or cancels) first."""
    sole = (
        Circle.objects.filter(
            state__in=[CircleState.OPEN, CircleState.RUNNING],
            memberships__user=user,
            memberships__role="facilitator",
            memberships__status="active",
        )
        .annotate(
            facilitators=Count(
                "memberships", filter=Q(memberships__role="facilitator", memberships__status="active"), distinct=True
            )
        )
        .filter(facilitators=1)
        .order_by("name")
    )
    return [
        _("You are the only facilitator of “%(circle)s”: hand it over to another member, or cancel it.")
        % {"circle": circle.name}
        for circle in sole
    ]


def _release_seats(user) -> None:
    for membership in Membership.objects.filter(user=user).select_related("circle"):
        if membership.takes_seat:
            release_seat(lock_circle(membership.circle))
            queue_waitlist_promotion(membership.circle)


def _erase_submissions(user, former) -> None:
    """Work nobody else's results depend on goes, files and all; work that was reviewed (others wrote
    reviews of it, which count for them) or written with others stays, without the person's name."""
    authorships = SubmissionAuthor.objects.filter(user=user).select_related("submission")
    for authorship in authorships:
        submission = authorship.submission
        co_written = submission.authors.exclude(user=user).exists()
        reviewed = submission.reviews.submitted().exists()
        if co_written:
            authorship.delete()
        elif reviewed:
            SubmissionAuthor.objects.filter(pk=authorship.pk).update(user=former())
            Submission.objects.filter(pk=submission.pk, created_by=user).update(created_by=None)
        else:
            for version in submission.versions.exclude(file=""):
                version.file.delete(save=False)
            submission.delete()


def _erase_reviews_given(user, former) -> None:
    """Submitted reviews count in the authors' results and stay, by "a former member"; reviews still to
    write are given up (the allocation hands the work to someone else)."""
    ReviewAssignment.objects.filter(reviewer=user).exclude(state=AssignmentState.COMPLETED).delete()
    if Review.objects.filter(reviewer=user).exists():
        stand_in = former()
        Review.objects.filter(reviewer=user).update(reviewer=stand_in)
        ReviewAssignment.objects.filter(reviewer=user).update(reviewer=stand_in)


def _erase_posts(user) -> None:
    """Their posts keep their place in the conversation (replies refer to them) but say nothing more."""
    posts = Post.objects.filter(author=user)
    attachments = PostAttachment.objects.filter(post__author=user)
    for attachment in attachments:
        attachment.image.delete(save=False)
    attachments.delete()
    posts.filter(deleted_at__isnull=True).update(deleted_at=timezone.now())
    posts.update(body="", body_html="", author=None, hidden_reason="")
    # A thread's title is its starter's words too; the replies keep their place under a neutral one.
    Thread.objects.filter(created_by=user).update(created_by=None, title=_("A thread by a former member"))


def _erase_surveys(user, former) -> None:
    """Goals and survey answers go with the memberships. A course rating stays, by "a former member" like a
    submitted peer review: it tells future learners about the course, not about the person. Its membership
    passes to the stand-in account (as one that left, without the person's goal or note) and keeps nothing
    else of theirs."""
    rated = Membership.objects.filter(user=user, course_rating__isnull=False)
    if not rated.exists():
        return
    rated_ids = list(rated.values_list("pk", flat=True))
    for model in (LearnerSurvey, FacilitatorSurvey, Attendance, MeetingFeedback, MeetingRsvp):
        model.objects.filter(membership__in=rated_ids).delete()
    CourseRating.objects.filter(membership__in=rated_ids).update(show_name=False)
    Membership.objects.filter(pk__in=rated_ids).update(
        user=former(),
        status=MembershipStatus.LEFT,
        goal="",
        goal_confidence=None,
        request_message="",
        invited_by=None,
    )


def erase(*, user, former, keep_credit_names: bool) -> None:
    _release_seats(user)
    _erase_submissions(user, former)
    _erase_reviews_given(user, former)
    _erase_posts(user)
    _erase_surveys(user, former)
    organisations_erase_for(user=user)
    # The other memberships (with goals, surveys, attendance, meeting feedback and answers to meetings), flags
    # raised (on reviews, posts and course reviews), reading marks, mutes and the calendar feed go with the
    # account (their foreign keys cascade). A reply written for a course stays, in the course's voice, without
    # its writer's name.


# Downloading one's data ------------------------------------------------------------------------------


def _memberships(user) -> list[dict]:
    return [
        {
            "circle": m.circle.name,
            "circle_url": absolute_url(m.circle.get_absolute_url()),
            "role": m.role,
            "status": m.status,
            "request_message": m.request_message,
            "requested_at": _when(m.requested_at),
            "joined_at": _when(m.joined_at),
            "goal": m.goal,
            "goal_confidence": m.goal_confidence,
        }
        for m in Membership.objects.filter(user=user).select_related("circle").order_by("requested_at", "pk")
    ]


def _end_surveys(user) -> dict:
    learner = LearnerSurvey.objects.filter(membership__user=user).select_related("membership__circle")
    facilitator = FacilitatorSurvey.objects.filter(membership__user=user).select_related("membership__circle")
    ratings = CourseRating.objects.filter(membership__user=user).select_related("membership__circle", "course")
    return {
        "as_learner": [
            {
                "circle": s.membership.circle.name,
                "goal_met": s.goal_met,
                "confidence_after": s.confidence_after,
                "advice": s.advice,
                "submitted_at": _when(s.submitted_at),
            }
            for s in learner.order_by("pk")
        ],
        "as_facilitator": [
            {
                "circle": s.membership.circle.name,
                "how_it_went": s.how_it_went,
                "course_changes": s.course_changes,
                "submitted_at": _when(s.submitted_at),
            }
            for s in facilitator.order_by("pk")
        ],
        "course_ratings": [
            {
                "course": r.course.title,
                "circle": r.membership.circle.name,
                "rating": r.rating,
                "review": r.review,
                "show_name": r.show_name,
                "hidden_by_moderators": r.hidden_at is not None,
                "reply": r.reply,
                "created_at": _when(r.created_at),
                "updated_at": _when(r.updated_at),
            }
            for r in ratings.order_by("pk")
        ],
    }


def _meetings(user) -> list[dict]:
    feedback = {(f.meeting_id, f.membership_id): f for f in MeetingFeedback.objects.filter(membership__user=user)}
    rows = []
    for record in Attendance.objects.filter(membership__user=user).select_related("meeting__circle"):
        given = feedback.pop((record.meeting_id, record.membership_id), None)
        rows.append(
            {
                "circle": record.meeting.circle.name,
                "meeting": record.meeting.number,
                "starts_at": _when(record.meeting.starts_at),
                "present": record.present,
                "rating": given.rating if given else None,
                "reflection": given.reflection if given else "",
            }
        )
    for given in feedback.values():
        rows.append(
            {
                "circle": given.meeting.circle.name,
                "meeting": given.meeting.number,
                "starts_at": _when(given.meeting.starts_at),
                "present": None,
                "rating": given.rating,
                "reflection": given.reflection,
            }
        )
    return rows


def _meeting_answers(user) -> list[dict]:
    return [
        {
            "circle": rsvp.meeting.circle.name,
            "meeting": rsvp.meeting.number,
            "starts_at": _when(rsvp.meeting.starts_at),
            "answer": rsvp.answer,
            "answered_at": _when(rsvp.answered_at),
        }
        for rsvp in MeetingRsvp.objects.filter(membership__user=user).select_related("meeting__circle")
    ]


def _scores(review) -> list[dict]:
    return [{"criterion": s.criterion_id, "score": s.score, "comment": s.comment} for s in review.scores.all()]


def _submissions(user, files) -> list[dict]:
    submissions = (
        Submission.objects.filter(authors__user=user)
        .select_related("activity__circle")
        .prefetch_related("versions", "reviews__scores")
        .order_by("pk")
    )
    rows = []
    for submission in submissions:
        versions = []
        for version in submission.versions.all():
            entry = {
                "number": version.number,
                "text": version.text,
                "link": version.link,
                "change_note": version.change_note,
                "submitted_at": _when(version.submitted_at),
            }
            if version.file:
                path = posixpath.join(
                    "files", "submissions", str(submission.pk), str(version.number), version.file_name
                )
                entry["file"] = path
                files.append((path, version.file))
            versions.append(entry)
        # As the author sees them on the site: submitted, not hidden, and never who wrote them.
        reviews = [
            {
                "overall_comment": review.overall_comment,
                "scores": _scores(review),
                "submitted_at": _when(review.submitted_at),
                "your_helpfulness_rating": review.helpfulness,
            }
            for review in submission.reviews.all()
            if review.is_submitted and not review.is_hidden
        ]
        rows.append(
            {
                "circle": submission.activity.circle.name,
                "activity": submission.activity.title,
                "state": submission.state,
                "submitted_at": _when(submission.submitted_at),
                "versions": versions,
                "reviews_received": reviews,
            }
        )
    return rows


def _reviews_given(user) -> list[dict]:
    reviews = (
        Review.objects.filter(reviewer=user)
        .select_related("submission__activity__circle")
        .prefetch_related("scores")
        .order_by("pk")
    )
    return [
        {
            "circle": review.submission.activity.circle.name,
            "activity": review.submission.activity.title,
            "overall_comment": review.overall_comment,
            "scores": _scores(review),
            "submitted_at": _when(review.submitted_at),
            "hidden_by_a_facilitator": review.is_hidden,
            "helpfulness_rating_received": review.helpfulness,
        }
        for review in reviews
    ]


def _posts(user, files) -> list[dict]:
    rows = []
    for post in Post.objects.filter(author=user).select_related("thread__circle").prefetch_related("attachments"):
        attachments = []
        for attachment in post.attachments.all():
            path = posixpath.join("files", "discussions", str(post.pk), attachment.filename)
            attachments.append(path)
            files.append((path, attachment.image))
        rows.append(
            {
                "circle": post.thread.circle.name,
                "thread": post.thread.title,
                "body": post.body,
                "created_at": _when(post.created_at),
                "deleted": post.is_deleted,
                "hidden_reason": post.hidden_reason,
                "attachments": attachments,
            }
        )
    return rows


def _organisations(user) -> list[dict]:
    return [
        {
            "organisation": m.organisation.name,
            "organisation_url": absolute_url(m.organisation.get_absolute_url()),
            "role": m.role,
            "status": m.status,
            "request_message": m.request_message,
            "requested_at": _when(m.requested_at),
            "joined_at": _when(m.joined_at),
        }
        for m in OrganisationMembership.objects.filter(user=user).select_related("organisation").order_by("pk")
    ]


def _organisation_invitations(user) -> list[dict]:
    """Invitations to the person's addresses (their own data); those they sent hold other people's addresses."""
    addresses = {address.email.lower() for address in user.emailaddress_set.all()} | {user.email.lower()}
    received = OrganisationInvitation.objects.filter(
        Q(email__in=addresses - {""}) | Q(accepted_by=user)
    ).select_related("organisation")
    return [
        {
            "organisation": i.organisation.name,
            "email": i.email,
            "role": i.role,
            "sent_at": _when(i.created_at),
            "expires_at": _when(i.expires_at),
            "accepted_at": _when(i.accepted_at),
        }
        for i in received.order_by("pk")
    ]


def export(*, user, files: list) -> dict:
    return {
        "memberships": _memberships(user),
        "organisations": _organisations(user),
        "organisation_invitations": _organisation_invitations(user),
        "meetings": _meetings(user),
        "end_of_circle_surveys": _end_surveys(user),
        "meeting_answers": _meeting_answers(user),
        "submissions": _submissions(user, files),
        "reviews_given": _reviews_given(user),
        "flags_raised": {
            "reviews": [
                {"reason": f.reason, "explanation": f.explanation, "raised_at": _when(f.raised_at)}
                for f in ReviewFlag.objects.filter(raised_by=user)
            ],
            "discussion_posts": [
                {"reason": f.reason, "note": f.note, "raised_at": _when(f.created_at)}
                for f in PostFlag.objects.filter(raised_by=user)
            ],
            "course_reviews": [
                {
                    "course": f.rating.course.title,
                    "explanation": f.explanation,
                    "raised_at": _when(f.raised_at),
                    "resolved_at": _when(f.resolved_at),
                }
                for f in CourseRatingFlag.objects.filter(raised_by=user).select_related("rating__course")
            ],
        },
        "course_review_replies": [
            {"course": rating.course.title, "reply": rating.reply, "replied_at": _when(rating.replied_at)}
            for rating in CourseRating.objects.filter(replied_by=user).select_related("course").order_by("pk")
        ],
        "discussion_posts": _posts(user, files),
    }
