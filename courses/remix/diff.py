"""A readable comparison of two versions of a module's text. Pure Python (no Django).

Both sides are page revision content (``Revision.content``): plain fields, with StreamFields
stored as JSON text. Each block becomes one paragraph of plain text, so the comparison lines
up block by block; paragraphs that changed are compared word by word.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from html.parser import HTMLParser

#: Keys inside block values that hold codes or references rather than words a reader sees.
_NOT_TEXT = frozenset(
    {"level", "kind", "language", "submission_type", "licence", "rubric", "image", "reviews_per_submission"}
)
_BLOCK_ELEMENTS = frozenset({"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "br", "div"})


class _TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in _BLOCK_ELEMENTS:
            self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in _BLOCK_ELEMENTS:
            self.parts.append(" ")

    def handle_data(self, data):
        self.parts.append(data)


def plain_text(html: str) -> str:
    """Rich text as one line of words: tags dropped, entities decoded, whitespace collapsed."""
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    return " ".join("".join(extractor.parts).split())


def _strings(value) -> list[str]:
    """Every piece of reader-visible text in a block value, in order."""
    if isinstance(value, str):
        text = plain_text(value) if "<" in value else " ".join(value.split())
        return [text] if text else []
    if isinstance(value, dict):
        return [text for key, item in value.items() if key not in _NOT_TEXT for text in _strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return []


def _stream(raw) -> list[dict]:
    if isinstance(raw, str):
        raw = json.loads(raw) if raw.strip() else []
    return list(raw or [])


def paragraphs(content: dict) -> list[str]:
    """A course's or module's text, one paragraph per field or block: title, summary, description,
    outcomes or objectives, then the body."""
    lines = [content.get("title") or "", content.get("summary") or "", plain_text(content.get("description") or "")]
    for name in ("outcomes", "objectives", "body"):
        lines += [" ".join(_strings(item.get("value"))) for item in _stream(content.get(name))]
    return [line for line in lines if line]


@dataclass(frozen=True)
class Segment:
    """A run of words: ``op`` is "equal", "insert" (only in the new text) or "delete" (only in the old)."""

    op: str
    text: str


@dataclass(frozen=True)
class Row:
    """One paragraph of the comparison: "equal", "insert", "delete", or "replace" with word-level segments."""

    op: str
    segments: tuple[Segment, ...]


def _words(old: str, new: str) -> tuple[Segment, ...]:
    before, after = old.split(), new.split()
    segments = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=before, b=after, autojunk=False).get_opcodes():
        if op == "equal":
            segments.append(Segment("equal", " ".join(before[i1:i2])))
            continue
        if i2 > i1:
            segments.append(Segment("delete", " ".join(before[i1:i2])))
        if j2 > j1:
            segments.append(Segment("insert", " ".join(after[j1:j2])))
    return tuple(segments)


def compare(old: list[str], new: list[str]) -> list[Row]:
    """Paragraph rows from ``old`` to ``new``; paired changed paragraphs are compared word by word."""
    rows: list[Row] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op == "equal":
            rows += [Row("equal", (Segment("equal", line),)) for line in old[i1:i2]]
        elif op == "delete":
            rows += [Row("delete", (Segment("delete", line),)) for line in old[i1:i2]]
        elif op == "insert":
            rows += [Row("insert", (Segment("insert", line),)) for line in new[j1:j2]]
        else:
            pairs = min(i2 - i1, j2 - j1)
            rows += [Row("replace", _words(old[i1 + k], new[j1 + k])) for k in range(pairs)]
            rows += [Row("delete", (Segment("delete", line),)) for line in old[i1 + pairs : i2]]
            rows += [Row("insert", (Segment("insert", line),)) for line in new[j1 + pairs : j2]]
    return rows


def has_changes(rows: list[Row]) -> bool:
    return any(row.op != "equal" for row in rows)
