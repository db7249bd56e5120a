"""Receivers for Wagtail's signals; each hands over to a service. Connected in CoursesConfig.ready()."""

from wagtail.admin import signal_handlers as wagtail_admin_mail
from wagtail.models import Page, TaskState, WorkflowState
from wagtail.signals import page_published, task_submitted, workflow_approved, workflow_rejected, workflow_submitted

from .models import CoursePage, CourseReviewTask
from .permissions import course_for_page
from .services import credits_licence_published, external_credits_review_publish
from .workflows import review_finished_record, review_requested_notify


def _on_task_submitted(sender, instance, user=None, **kwargs):
    if user is not None and isinstance(instance.task.specific, CourseReviewTask):
        review_requested_notify(task_state=instance, user=user)


def _on_course_published(sender, instance, revision=None, **kwargs):
    credits_licence_published(course=instance)
    external_credits_review_publish(course=instance, revision=revision)


def _is_course_review(workflow_state: WorkflowState) -> bool:
    content = workflow_state.content_object
    return isinstance(content, Page) and course_for_page(content) is not None


def _instead_of_wagtails_email(wagtail_notifier, course_receiver):
    """Wagtail e-mails workflow events from inside the request. For courses and modules this app tells
    people through the notifications service instead (in the app, and by e-mail through Celery after
    the commit, once); everything else keeps Wagtail's e-mail."""

    def receiver(sender, instance, user=None, **kwargs):
        if _is_course_review(instance):
            if course_receiver is not None:
                course_receiver(workflow_state=instance, user=user)
            return None
        return wagtail_notifier(sender=sender, instance=instance, user=user, **kwargs)

    return receiver


#: Wagtail's own e-mail receivers, by the dispatch_uid wagtail.admin connects them with, and what a course
#: review does instead (nothing for a submission: _on_task_submitted has told the reviewers). Connecting
#: under the same uid first (this app is installed before wagtail.admin) makes Django keep ours.
WAGTAIL_WORKFLOW_EMAILS = [
    (workflow_submitted, "workflow_state_submitted_email_notification", "workflow_submission_email_notifier", None),
    (
        workflow_approved,
        "workflow_state_approved_email_notification",
        "workflow_approval_email_notifier",
        review_finished_record,
    ),
    (
        workflow_rejected,
        "workflow_state_rejected_email_notification",
        "workflow_rejection_email_notifier",
        review_finished_record,
    ),
]


def connect() -> None:
    task_submitted.connect(_on_task_submitted, sender=TaskState, dispatch_uid="courses_review_requested")
    page_published.connect(_on_course_published, sender=CoursePage, dispatch_uid="courses_credits_licence_published")
    for signal, dispatch_uid, notifier_name, course_receiver in WAGTAIL_WORKFLOW_EMAILS:
        receiver = _instead_of_wagtails_email(getattr(wagtail_admin_mail, notifier_name), course_receiver)
        signal.connect(receiver, sender=WorkflowState, dispatch_uid=dispatch_uid, weak=False)
