"""The course review workflow: one Wagtail workflow with one CourseReviewTask, assigned to the catalog,
so that every course and module under it is reviewed before it is published; and who hears about a
submission and how it ended.
"""

from django.db import transaction
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from wagtail.models import TaskState, Workflow, WorkflowPage, WorkflowState, WorkflowTask
from wagtail.permissions import page_permission_policy

from p2pu.audit.services import audit_record
from p2pu.notifications.services import notification_send, notifications_send_many

from . import audit_actions, notification_kinds, rate_limits
from .models import CourseIndexPage, CourseReviewTask
from .permissions import course_for_page, maintainers_of

REVIEW_WORKFLOW_NAME = "Course review"
REVIEW_TASK_NAME = "Review by another maintainer"


@transaction.atomic
def review_workflow_ensure(*, catalog: CourseIndexPage) -> Workflow:
    """The review workflow, assigned to the catalog unless a site editor gave it another. Idempotent."""
    task = CourseReviewTask.objects.order_by("pk").first() or CourseReviewTask.objects.create(name=REVIEW_TASK_NAME)
    workflow = Workflow.objects.filter(workflow_tasks__task=task).order_by("pk").first()
    if workflow is None:
        workflow = Workflow.objects.create(name=REVIEW_WORKFLOW_NAME)
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.get_or_create(page=catalog, defaults={"workflow": workflow})
    return workflow


def reviewers_of(*, page, submitted_by):
    """Who hears about a submission: the course's other maintainers, or the site editors if there are none."""
    course = course_for_page(page)
    reviewers = maintainers_of(course, exclude=submitted_by)
    if reviewers.exists():
        return reviewers
    catalog = course.get_parent()
    return page_permission_policy.users_with_permission_for_instance("publish", catalog).exclude(pk=submitted_by.pk)


def review_requested_notify(*, task_state: TaskState, user) -> None:
    page = task_state.workflow_state.content_object
    # Wagtail has started the review by now; beyond the limits it goes on, but nobody is e-mailed about it
    # (reviewers still find it on their dashboard), so submit, cancel, submit cannot flood anyone.
    if not rate_limits.REVIEW_REQUESTS_SENT.hit(user.pk):
        return
    notifications_send_many(
        recipients=[
            reviewer
            for reviewer in reviewers_of(page=page, submitted_by=user)
            if rate_limits.REVIEW_REQUESTS_RECEIVED.hit(reviewer.pk)
        ],
        kind=notification_kinds.REVIEW,
        title=format_lazy(
            _("{person} asks you to review “{page}”"),
            person=user.get_display_name(),
            page=page.get_admin_display_title(),
        ),
        body=_("Approve it to publish it, or request changes with a comment."),
        url=reverse("wagtailadmin_pages:edit", args=[page.pk]),
        actor=user,
        dedupe_key=f"course.review_requested:{task_state.pk}",
    )


def review_finished_record(*, workflow_state: WorkflowState, user) -> None:
    """Put the decision in the audit trail, then tell the person who asked."""
    page = workflow_state.content_object.specific
    approved = workflow_state.status == WorkflowState.STATUS_APPROVED
    task_state = workflow_state.current_task_state
    audit_record(
        actor=user,
        action=audit_actions.REVIEW_APPROVED if approved else audit_actions.REVIEW_REJECTED,
        subject=page,
        target=workflow_state.requested_by,
        scope=course_for_page(page) or page,
        reason=task_state.comment if task_state else "",
    )
    review_finished_notify(workflow_state=workflow_state, user=user)


def review_finished_notify(*, workflow_state: WorkflowState, user) -> None:
    """Tell the person who submitted a course or module how its review ended."""
    requester = workflow_state.requested_by
    if requester is None or requester == user:
        return
    page = workflow_state.content_object.specific
    task_state = workflow_state.current_task_state
    reviewer = user.get_display_name() if user else _("A reviewer")
    if workflow_state.status == WorkflowState.STATUS_APPROVED:
        title = format_lazy(_("{reviewer} approved “{page}”: it is published"), reviewer=reviewer, page=page.title)
        url = page.url or reverse("wagtailadmin_pages:edit", args=[page.pk])
    else:
        title = format_lazy(
            _("{reviewer} asks for changes to “{page}”"), reviewer=reviewer, page=page.get_admin_display_title()
        )
        url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    notification_send(
        recipient=requester,
        kind=notification_kinds.REVIEW,
        title=title,
        body=task_state.comment if task_state else "",
        url=url,
        actor=user,
        dedupe_key=f"course.review_finished:{task_state.pk if task_state else workflow_state.pk}",
    )
