"""Queuing a task by its name after commit, from a process that never imported the task's module."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

# A web process: Django set up, no worker start, so Celery has not autodiscovered any tasks module.
FRESH_PROCESS = """
import sys
import django

django.setup()
from p2pu.core.jobs import task_named

assert "p2pu.notifications.tasks" not in sys.modules
print(task_named("p2pu.notifications.tasks.send_notification_email").name)
"""


def test_a_task_is_found_by_name_before_anything_imported_its_module():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "p2pu.settings.test"}
    result = subprocess.run(
        [sys.executable, "-c", FRESH_PROCESS], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "p2pu.notifications.tasks.send_notification_email"
