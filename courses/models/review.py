"""The review every course and module goes through before it is published: a Wagtail workflow task."""

from django.contrib.contenttypes.models import ContentType
from wagtail.models import Page, Task, TaskState

from .. import permissions


class CourseReviewTask(Task):
    """Approved by another maintainer of the course or by a site editor, never by the person who submitted it.

    Learner authors hold no Wagtail "publish" permission, so this review is the only way their work
    goes live; approving the last task publishes the page (``courses.workflow_actions``). Approval is
    offered only once everyone credited has accepted the credit and the licence.
    """

    class Meta:
        verbose_name = "course review"
        verbose_name_plural = "course reviews"

    @classmethod
    def get_description(cls):
        return "Another maintainer of the course, or a site editor, reviews the change and publishes it."

    def get_actions(self, obj, user):
        if not permissions.can_review(user=user, page=obj):
            return []
        actions = [("reject", "Request changes", True)]
        # A remix's licence and change note (courses.remix) must allow publishing too.
        from ..remix.queries import publish_refusals

        if not permissions.publish_blockers(page=obj) and not publish_refusals(obj.get_latest_revision_as_object()):
            actions += [("approve", "Approve", False), ("approve", "Approve with comment", True)]
        return actions

    def locked_for_user(self, obj, user):
        # As with Wagtail's group approval: what is under review stays as submitted, except for its
        # reviewers; the submitter can still cancel the review to make more changes.
        return not permissions.can_review(user=user, page=obj)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        in_progress = TaskState.objects.filter(task=self, status=TaskState.STATUS_IN_PROGRESS).exclude(
            workflow_state__requested_by=user
        )
        if permissions.is_site_editor(user):
            return in_progress
        page_ids = permissions.pages_maintained_by(user).values_list("pk", flat=True)
        return in_progress.filter(
            workflow_state__base_content_type=ContentType.objects.get_for_model(Page),
            workflow_state__object_id__in=[str(pk) for pk in page_ids],
        )
