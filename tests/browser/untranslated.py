"""English left on a page, an e-mail or a calendar that should speak another language.

The phrases looked for are the catalogue's own originals (locale/<language>/LC_MESSAGES/django.po) whose
translation differs from them: an untranslated one shows as English, so finding its original in the visible
text means a person reads English there. Only phrases long enough to be unambiguous count: a whole original
of two words or more, or of 12 characters or more; of an original with placeholders (or markup) each literal
part of 12 characters or more. A phrase that a translator kept in some translation (a name, say) is not
English out of place, so it does not count either.

Strings not marked for translation are not in the catalogue, so this finds none of them.
"""

import re

import pytest

from tests.catalogues import PLACEHOLDER, entries, forms

SHORTEST_PART = 12
_PIECES = re.compile(rf"{PLACEHOLDER.pattern}|<[^>]*>|&[a-z]+;|&#\d+;")
_SPACE = re.compile(r"\s+")


def _squeezed(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _phrases(original: str) -> list[str]:
    parts = [_squeezed(part) for part in _PIECES.split(original.replace("%%", "%"))]
    if len(parts) == 1:
        whole = parts[0]
        return [whole] if len(whole.split()) >= 2 or len(whole) >= SHORTEST_PART else []
    return [part for part in parts if len(part) >= SHORTEST_PART]


def english_phrases(language: str) -> set[str]:
    messages = entries(language)
    kept = [_squeezed(text) for message in messages for text in forms(message.string) if text]
    phrases = set()
    for message in messages:
        translations = forms(message.string)
        for original in forms(message.id):
            if original not in translations:
                phrases.update(_phrases(original))
    return {phrase for phrase in phrases if not any(phrase in translation for translation in kept)}


class UntranslatedEnglish:
    """Reads what a person reads in one language and remembers every English phrase met, and where."""

    def __init__(self, language: str):
        self.language = language
        self._patterns = [
            (phrase, re.compile(rf"(?<!\w){re.escape(phrase)}(?!\w)")) for phrase in sorted(english_phrases(language))
        ]
        self.found: dict[str, list[str]] = {}

    def read(self, where: str, text: str) -> None:
        text = _squeezed(text)
        for phrase, pattern in self._patterns:
            if pattern.search(text):
                self.found.setdefault(phrase, []).append(where)

    def read_page(self, page) -> None:
        self.read(page.url, page.evaluate("() => document.body.innerText"))

    def assert_none(self) -> None:
        if self.found:
            lines = [
                f"{phrase!r} on {', '.join(dict.fromkeys(places))}" for phrase, places in sorted(self.found.items())
            ]
            pytest.fail(
                f"{len(self.found)} English phrase(s) from locale/{self.language}/LC_MESSAGES/django.po left "
                f"untranslated where a person reads {self.language}:\n" + "\n".join(lines),
                pytrace=False,
            )
