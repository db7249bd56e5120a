"""What happens when a workflow finishes (``WAGTAIL_FINISH_WORKFLOW_ACTION``).

Wagtail imports this while its own models are loading, before any of ours exist, so it imports none:
a task says for itself whether its approval is permission to publish (``approval_publishes``).
"""


def publish_workflow_state(workflow_state, user=None):
    """Publish the revision that was reviewed, and let an approved course review publish on its own.

    Wagtail's default publishes the newest revision, which may have been saved after the reviewer
    looked (by an editor, an autosave, a take of upstream changes): approving must publish what was
    approved. Wagtail also re-checks that the last approver holds the "publish" permission. Course
    maintainers deliberately hold none (it would let them publish without review), so when the
    last task was a course review, the approval itself is the permission.
    """
    task_state = workflow_state.current_task_state
    last_task = task_state.task.specific
    reviewed = task_state.revision or workflow_state.content_object.get_latest_revision()
    reviewed.publish(user=user, skip_permission_checks=getattr(last_task, "approval_publishes", False))
