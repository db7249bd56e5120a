"""What changed between two versions of a submission's text, line by line. Pure: no Django.

Learners write Markdown (``cohorts/markdown.py`` renders it); the comparison is of what they typed, not of
the HTML, so a reader sees the very lines that were added or removed, formatting marks included.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Literal


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
