"""The review every course and module goes through before it is published: a Wagtail workflow task."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page, Task, TaskState


@dataclass(frozen=True)
class ReviewRules:
    """The decisions the review task takes from code above the models: who may review a page
    (courses.permissions) and whether its newest version may go live (also courses.remix).
    ``courses.review_rules.REVIEW_RULES`` fills them in, set on the task by ``CoursesConfig.ready()``."""

    #: ``(user=, page=)``: approve or request changes on the review in progress.
    may_review: Callable[..., bool]
    #: ``(page)``: every credit accepted and the sources' licences respected by the newest version.
    may_approve: Callable[[Page], bool]
    #: ``(user)``: a site editor, who reviews every course.
    is_site_editor: Callable[..., bool]
    #: ``(user=, page=, task_state=)``: this person wrote a revision under review (so may not approve it).
    wrote_under_review: Callable[..., bool]
    #: ``(user)``: the pages of the courses this person maintains.
    pages_maintained_by: Callable[..., object]


class CourseReviewTask(Task):
    """Approved by another maintainer of the course or by a site editor, never by the person who
    submitted it nor by anyone who wrote a revision under review. Approval publishes exactly the
    revision that was submitted (``courses.workflow_actions``), not whatever was saved since.

    Learner authors hold no Wagtail "publish" permission, so this review is the only way their work
    goes live; approving the last task publishes the page (``courses.workflow_actions``). Approval is
    offered only once everyone credited has accepted the credit and the licence.
    """

    rules: ClassVar[ReviewRules]
    #: The approval itself is the permission to publish (courses.workflow_actions): course
    #: maintainers deliberately hold no Wagtail "publish" permission.
    approval_publishes: ClassVar[bool] = True

    class Meta:
        verbose_name = _("course review")
        verbose_name_plural = _("course reviews")

    @classmethod
    def get_description(cls):
        return gettext("Another maintainer of the course, or a site editor, reviews the change and publishes it.")

    def get_actions(self, obj, user):
        if not self.rules.may_review(user=user, page=obj):
            return []
        actions = [("reject", gettext("Request changes"), True)]
        if self.rules.may_approve(obj):
            actions += [("approve", gettext("Approve"), False), ("approve", gettext("Approve with comment"), True)]
        return actions

    def locked_for_user(self, obj, user):
        # As with Wagtail's group approval: what is under review stays as submitted, except for its
        # reviewers; the submitter can still cancel the review to make more changes.
        return not self.rules.may_review(user=user, page=obj)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        in_progress = TaskState.objects.filter(task=self, status=TaskState.STATUS_IN_PROGRESS).exclude(
            workflow_state__requested_by=user
        )
        if not self.rules.is_site_editor(user):
            page_ids = self.rules.pages_maintained_by(user).values_list("pk", flat=True)
            in_progress = in_progress.filter(
                workflow_state__base_content_type=ContentType.objects.get_for_model(Page),
                workflow_state__object_id__in=[str(pk) for pk in page_ids],
            )
        # Reviews of their own writing are not theirs to decide (a handful are in progress at a time).
        own = [
            state.pk
            for state in in_progress.select_related("workflow_state")
            if self.rules.wrote_under_review(user=user, page=state.workflow_state.content_object, task_state=state)
        ]
        return in_progress.exclude(pk__in=own)
