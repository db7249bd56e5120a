"""An e-mail backend that hangs mid-send, so a test can kill the worker while it is sending."""

import time
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend


class HangingEmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        Path(settings.EMAIL_FILE_PATH, "sending-started").touch()
        time.sleep(600)
        return 0
