"""Choosing a language from what is known about a reader, most specific first (no Django: property-tested)."""

from collections.abc import Collection, Iterable


def language_choose(candidates: Iterable[str | None], *, supported: Collection[str], default: str) -> str:
    """The first candidate the site is translated into, else ``default``.

    Candidates are language codes in order of preference (a profile's choice, then a circle's language…);
    empty ones are skipped, case does not matter, and a regional code falls back to its language
    ("es-MX" → "es") when only the language is supported.
    """
    for candidate in candidates:
        if not candidate:
            continue
        code = candidate.strip().lower().replace("_", "-")
        for option in (code, code.split("-", 1)[0]):
            if option in supported:
                return option
    return default
