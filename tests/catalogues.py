"""Reading the translation catalogues (locale/<language>/LC_MESSAGES/django.po) in tests, with Babel."""

import re
from collections import Counter
from pathlib import Path

from babel.messages.pofile import read_po

LOCALE = Path(__file__).resolve().parents[1] / "locale"
# printf-style conversions as Python's % operator reads them: named (%(name)s) or positional (%s, %d).
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")


def entries(language: str) -> list:
    """The catalogue's messages (not its header, not obsolete ones)."""
    with (LOCALE / language / "LC_MESSAGES" / "django.po").open("rb") as po_file:
        return [message for message in read_po(po_file, locale=language) if message.id]


def forms(value) -> tuple[str, ...]:
    """A message's id or string as a tuple: one element, or one per plural form."""
    return value if isinstance(value, tuple) else (value,)


def placeholders(text: str) -> Counter:
    return Counter(match.group(0) for match in PLACEHOLDER.finditer(text.replace("%%", "")))
