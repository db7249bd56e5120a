"""Cleaning what people type before it is stored: no control characters, and none of the bidirectional
overrides, embeddings and isolates that make a name read backwards ("U+202E") or hide what follows; and
before it is searched (``searchable_words``).

Pure functions (no Django), shared by the forms and the services that take names and one-line texts
(``one_line``) and longer texts (``multi_line``), and by the views that search.
"""

import re
import unicodedata

#: LRE, RLE, PDF, LRO, RLO and LRI, RLI, FSI, PDI. The marks (LRM, RLM, ALM) stay: they reorder nothing
#: beyond themselves and right-to-left writers rely on them.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
#: Line and paragraph separators a one-line field turns into spaces.
LINE_BREAKS = frozenset("\n\r\t\v\f\x1c\x1d\x1e\x85\u2028\u2029")
_SPACES = re.compile(r" {2,}")


def _is_unwanted(char: str) -> bool:
    return char in BIDI_CONTROLS or unicodedata.category(char) == "Cc"


def one_line(value: str) -> str:
    """A name or a one-line text: line breaks become spaces, controls and overrides go, spaces collapse."""
    spaced = "".join(" " if char in LINE_BREAKS else char for char in value)
    kept = "".join(char for char in spaced if not _is_unwanted(char))
    return _SPACES.sub(" ", kept).strip()


def multi_line(value: str) -> str:
    """A longer text: its lines (and tabs) stay, every other control character and override goes."""
    lines = value.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(char for char in lines if char in "\n\t" or not _is_unwanted(char)).strip()


def searchable_words(query: str) -> str:
    """A search query without the words that hold no letter or digit ("&", "–"): the SQLite search backend
    makes every word a required term, and a bare symbol matches nothing, so "salt & pepper" found nothing."""
    return " ".join(word for word in query.split() if any(character.isalnum() for character in word))
