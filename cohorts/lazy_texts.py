"""Texts translated when they are written out rather than when they are made.

A notification's title and body are stored in each recipient's language (``p2pu.notifications``), so a
service sending one text to many people hands over a lazy text, filled in with its values only then.
"""

from django.utils.functional import lazy


def _filled_in(message, values: dict) -> str:
    return message % values


#: ``filled_in_lazy(gettext_lazy("%(circle)s was cancelled"), {"circle": name})``: translated into the
#: language active when it is turned into a string, then filled in.
filled_in_lazy = lazy(_filled_in, str)


def _schedule_summary(circle) -> str:
    return circle.schedule_summary


#: A circle's schedule (“Tuesdays at 18:00 …”) in the language active when it is written out.
schedule_summary_lazy = lazy(_schedule_summary, str)
