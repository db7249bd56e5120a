"""Queue a Celery task once the caller's transaction commits, naming the task rather than importing it.

Services queue follow-up work by the task's registered name, so a ``services`` module never imports
its app's ``tasks`` module (which imports the services): the dependency runs one way only.
"""

from celery import Task, current_app
from django.db import transaction


def task_named(task_name: str) -> Task:
    """The Celery task registered under ``task_name``, importing the apps' ``tasks`` modules if need be.

    A worker imports every app's ``tasks`` module when it starts; a web process imports them only here,
    the first time it queues a task nothing has imported yet.
    """
    if task_name not in current_app.tasks:
        current_app.loader.import_default_modules()
    return current_app.tasks[task_name]


def enqueue_after_commit(task_name: str, *args, **kwargs) -> None:
    """Queue ``task_name`` with these arguments after the current transaction commits (at once outside one).

    Robust: a broker that is down is logged and never undoes what the caller committed; each job is
    idempotent and the scheduled sweeps pick up what was not queued.
    """

    def queue_task():
        task_named(task_name).delay(*args, **kwargs)

    # Django names a failed robust callback in its log by its qualified name.
    queue_task.__qualname__ = f"queue {task_name}"
    transaction.on_commit(queue_task, robust=True)
