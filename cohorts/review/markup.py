"""Formatted text for submissions and reviews, and what changed between two versions. Pure: no Django.

Learners write in a plain text box with a small, forgiving markup (documented next to the box):
a blank line starts a new paragraph; lines starting with ``- `` or ``* `` make a bulleted list and
``1. `` a numbered one; ``**bold**`` and ``*italic*``; web addresses become links. Everything is
HTML-escaped *before* any markup is applied, so nothing a person types can add an element or an
attribute of its own: the only tags in the output are the ones made here, and the only links are
``http(s)`` addresses. The same plain text diffs cleanly line by line between versions.
"""

from __future__ import annotations

import difflib
import html
import re
from dataclasses import dataclass
from typing import Literal

_BULLET = re.compile(r"^\s*[-*]\s+")
_NUMBERED = re.compile(r"^\s*\d{1,3}[.)]\s+")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_ITALIC = re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])")
# Run on escaped text: an address ends at whitespace or at what was a quote or angle bracket.
_URL = re.compile(r"\bhttps?://[^\s<>\"']+?(?=[.,;:!?)]*(?:\s|$|&lt;|&gt;|&quot;|&#x27;))")


def render(text: str) -> str:
    """The text as HTML: paragraphs, lists, bold, italic and links; everything else escaped."""
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n").strip())
    return "".join(_render_block(block) for block in blocks if block.strip())


def _render_block(block: str) -> str:
    lines = block.split("\n")
    for pattern, tag in ((_BULLET, "ul"), (_NUMBERED, "ol")):
        if all(pattern.match(line) for line in lines):
            items = "".join(f"<li>{_inline(pattern.sub('', line, count=1))}</li>" for line in lines)
            return f"<{tag}>{items}</{tag}>"
    return "<p>" + "<br>".join(_inline(line.strip()) for line in lines) + "</p>"


def _inline(line: str) -> str:
    escaped = html.escape(line, quote=True)
    linked = _URL.sub(lambda m: f'<a href="{m.group(0)}" rel="nofollow noopener ugc">{m.group(0)}</a>', escaped)
    # Emphasis outside the links only, so an address with asterisks keeps its href intact.
    parts = re.split(r"(<a [^>]*>.*?</a>)", linked)
    return "".join(part if part.startswith("<a ") else _emphasis(part) for part in parts)


def _emphasis(text: str) -> str:
    text = _BOLD.sub(r"<strong>\1</strong>", text)
    return _ITALIC.sub(r"<em>\1</em>", text)


@dataclass(frozen=True)
class DiffLine:
    """One line of a comparison: kept as it was, added in the newer version, or removed from the older."""

    kind: Literal["same", "added", "removed"]
    text: str


def line_diff(old: str, new: str) -> list[DiffLine]:
    """The newer text line by line, with the older version's removed lines where they were."""
    old_lines = old.replace("\r\n", "\n").split("\n") if old else []
    new_lines = new.replace("\r\n", "\n").split("\n") if new else []
    lines: list[DiffLine] = []
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for operation, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if operation == "equal":
            lines += [DiffLine("same", line) for line in new_lines[new_start:new_end]]
            continue
        lines += [DiffLine("removed", line) for line in old_lines[old_start:old_end]]
        lines += [DiffLine("added", line) for line in new_lines[new_start:new_end]]
    return lines


def has_changes(diff: list[DiffLine]) -> bool:
    return any(line.kind != "same" for line in diff)
