"""Passages of a submitted text: numbered sentences to comment on, finding quoted words, highlighting them.

Pure: no Django. A submission's text is Markdown, shown rendered, so what a reader selects ("the
*best* plan") is not what the author typed ("the **best** plan"). Everything here works on the
*visible* text: the source with Markdown's markup left out (line-start list and quote markers,
emphasis and code marks, link brackets and their addresses, backslash escapes) and runs of white space
read as one space, each visible character remembering its offset in the source. A comment is stored
as offsets into the source of the version it was written on, plus the quoted words, so it stays put
whatever the rendering does and can still be read if the rendering changes.

- ``sentences(text)``: the text as numbered paragraphs and sentences, for choosing a passage by
  keyboard (a list of options rather than a mouse selection).
- ``locate(text, quote, near=...)``: where quoted words are in the source, tolerant of markup and
  white space; the occurrence nearest a hint when the words appear more than once.
- ``highlight(text, spans)``: the rendered HTML with every commented passage wrapped in ``<mark>``
  and followed by a numbered link to its thread. Markers are put into the source at the offsets as
  private-use characters, the Markdown is rendered, and each marker pair becomes ``<mark>`` elements
  around every run of text between them, so passages that cross emphasis, links or paragraphs, or
  that overlap, still give well-formed HTML.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from cohorts import markdown

#: Characters Markdown uses as inline markup; a reader never sees them in the rendered text.
_INLINE_MARKUP = frozenset("*_~`\\")
#: Markers at the start of a line: indentation, quote marks, a list bullet or number.
_LINE_START = re.compile(r"[ \t]*(?:>[ \t]?)*[ \t]*(?:[-*+][ \t]+|\d{1,9}[.)][ \t]+)?")
#: The address part of an inline link, ``](https://…)``.
_LINK_TARGET = re.compile(r"\]\([^)\s]*(?:\s+\"[^\"]*\")?\)")
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
#: Private-use characters mark where passages open and close while the Markdown renders.
_MARKER_BASE = 0xE000
MAX_HIGHLIGHTS = 512
_MARKERS = re.compile(f"[{chr(_MARKER_BASE)}-{chr(_MARKER_BASE + 2 * MAX_HIGHLIGHTS - 1)}]")
#: The same markers after markdown-it percent-encoded them inside a link's address.
_ENCODED_MARKERS = re.compile(r"%EE%8[0-7]%[89AB][0-9A-F]", re.IGNORECASE)
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
_TAG = re.compile(r"(<[^>]*>)")


@dataclass(frozen=True)
class VisibleText:
    """The text as a reader sees it, and for each of its characters the offset in the source."""

    text: str
    offsets: tuple[int, ...]


def visible(source: str) -> VisibleText:
    chars: list[str] = []
    offsets: list[int] = []
    skip_until = -1
    line_start = True
    position = 0
    length = len(source)
    while position < length:
        if line_start:
            line_start = False
            marker = _LINE_START.match(source, position)
            if marker and marker.end() > position:
                position = marker.end()
                continue
        char = source[position]
        if position < skip_until:
            position += 1
            continue
        if char == "]":
            target = _LINK_TARGET.match(source, position)
            if target:
                skip_until = target.end()
                position += 1
                continue
        if char == "\n":
            line_start = True
        if char in _INLINE_MARKUP or char == "[":
            position += 1
            continue
        if char.isspace():
            if chars and chars[-1] != " ":
                chars.append(" ")
                offsets.append(position)
        else:
            chars.append(char)
            offsets.append(position)
        position += 1
    return VisibleText("".join(chars), tuple(offsets))


def normalise_quote(quote: str) -> str:
    """Quoted words as ``visible`` reads them: no markup characters, single spaces, no ends of white space."""
    kept = "".join(char for char in quote if char not in _INLINE_MARKUP and char != "[" and char != "]")
    return " ".join(kept.split())


def locate(source: str, quote: str, *, near: int | None = None) -> tuple[int, int] | None:
    """Source offsets ``(start, end)`` of the quoted words, or None when they are not in the text.

    ``near`` is an offset in the visible text (what a browser counts in a selection); with several
    occurrences, the one starting nearest to it wins, else the first.
    """
    wanted = normalise_quote(quote)
    if not wanted:
        return None
    shown = visible(source)
    found = []
    start = shown.text.find(wanted)
    while start != -1:
        found.append(start)
        start = shown.text.find(wanted, start + 1)
    if not found:
        return None
    best = min(found, key=lambda index: abs(index - near)) if near is not None else found[0]
    last = best + len(wanted) - 1
    return shown.offsets[best], shown.offsets[last] + 1


@dataclass(frozen=True)
class Sentence:
    #: 1-based, counted through the whole text.
    number: int
    paragraph: int
    #: 1-based within its paragraph.
    position: int
    start: int
    end: int
    #: What the reader sees of it, markup left out.
    text: str


def sentences(source: str) -> list[Sentence]:
    """The text's sentences, paragraph by paragraph: a blank line ends a paragraph, and a line break
    or an end of sentence (. ! ? …) ends a sentence. Each spans only visible characters."""
    found: list[Sentence] = []
    paragraph_start = 0
    paragraph = 0
    breaks = [(m.start(), m.end()) for m in _PARAGRAPH_BREAK.finditer(source)]
    for block_end, next_start in [*breaks, (len(source), None)]:
        pieces = _pieces(source, paragraph_start, block_end)
        if pieces:
            paragraph += 1
            for position, (start, end) in enumerate(pieces, start=1):
                shown = visible(source[start:end])
                first, last = shown.offsets[0], shown.offsets[-1]
                found.append(
                    Sentence(
                        number=len(found) + 1,
                        paragraph=paragraph,
                        position=position,
                        start=start + first,
                        end=start + last + 1,
                        text=shown.text.strip(),
                    )
                )
        if next_start is not None:
            paragraph_start = next_start
    return found


def _pieces(source: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans of one paragraph that hold something visible."""
    spans = []
    for line in re.finditer(r"[^\n]+", source[start:end]):
        line_start = start + line.start()
        cursor = line_start
        for stop in _SENTENCE_END.finditer(line.group()):
            spans.append((cursor, line_start + stop.start()))
            cursor = line_start + stop.end()
        spans.append((cursor, start + line.end()))
    return [(a, b) for a, b in spans if visible(source[a:b]).text.strip()]


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    #: The id of the thread the passage belongs to (its link's target).
    anchor: str
    #: The link's visible text, e.g. "1".
    label: str
    #: The link's accessible name, e.g. "Comment 1 by Reviewer 2".
    description: str


def highlight(source: str, spans: list[Span]) -> str:
    """The Markdown rendered, each span's passage marked and followed by a link to its thread.

    Spans past ``MAX_HIGHLIGHTS`` are left unmarked (their threads still show their quotes).
    """
    spans = spans[:MAX_HIGHLIGHTS]
    text = _PRIVATE_USE.sub("\ufffd", source)
    inserts = []
    for index, span in enumerate(spans):
        start = max(0, min(span.start, len(text)))
        end = max(start, min(span.end, len(text)))
        inserts.append((start, 1, chr(_MARKER_BASE + 2 * index)))
        inserts.append((end, 0, chr(_MARKER_BASE + 2 * index + 1)))
    # From the end backwards so earlier offsets stay right; at one offset, closes go before opens.
    for position, _order, marker in sorted(inserts, key=lambda item: (item[0], item[1]), reverse=True):
        text = text[:position] + marker + text[position:]
    return _marks_from_markers(markdown.render(text), spans)


def _marks_from_markers(rendered: str, spans: list[Span]) -> str:
    out: list[str] = []
    active: list[int] = []
    pending: list[int] = []
    in_link = 0
    for part in _TAG.split(rendered):
        if not part:
            continue
        if part.startswith("<"):
            out.append(_ENCODED_MARKERS.sub("", _MARKERS.sub("", part)))
            if part.startswith("<a "):
                in_link += 1
            elif part == "</a>":
                in_link = max(0, in_link - 1)
                if not in_link:
                    out.extend(_reference(spans[index]) for index in pending)
                    pending.clear()
            continue
        run: list[str] = []
        for char in part:
            code = ord(char) - _MARKER_BASE
            if not (0 <= code < 2 * len(spans)):
                run.append(char)
                continue
            _flush(out, run, active, spans)
            run = []
            index, closing = divmod(code, 2)
            if not closing:
                active.append(index)
            elif index in active:
                active.remove(index)
                if in_link:
                    pending.append(index)
                else:
                    out.append(_reference(spans[index]))
        _flush(out, run, active, spans)
    return "".join(out)


def _flush(out: list[str], run: list[str], active: list[int], spans: list[Span]) -> None:
    if not run:
        return
    text = "".join(run)
    if active and text.strip():
        threads = " ".join(html.escape(spans[index].anchor) for index in active)
        out.append(f'<mark class="inline-mark" data-threads="{threads}">{text}</mark>')
    else:
        out.append(text)


def _reference(span: Span) -> str:
    anchor = html.escape(span.anchor)
    return (
        f'<a class="inline-ref" href="#{anchor}" id="{anchor}-mark" aria-label="{html.escape(span.description)}">'
        f"{html.escape(span.label)}</a>"
    )
