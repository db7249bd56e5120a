"""Signals accounts sends about a person's profile, for the apps above it that show what changed."""

from django.dispatch import Signal

#: The name a person is shown by changed (``user`` is the person, already saved). Sent once the change is
#: saved; the pages other apps cached with the old name listen for it (accounts cannot name them).
display_name_changed = Signal()
