"""Where to draw a remix family: boxes in rows by generation, lines from each source to its derivative.

Pure Python (no Django): the family view hands over nodes and edges, and the template draws the
result as inline SVG.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

BOX_WIDTH = 190
BOX_HEIGHT = 44
GAP_X = 24
GAP_Y = 40
MARGIN = 8
#: Characters of a title that fit in a box; the full title is in the list beside the drawing.
LABEL_LENGTH = 26


@dataclass(frozen=True)
class Node:
    """One work. ``generation`` is 0 for the course the family is drawn around, negative for its
    sources (-1 its direct sources) and positive for its derivatives."""

    key: str
    title: str
    generation: int
    current: bool = False


@dataclass(frozen=True)
class Edge:
    """``source`` was adapted or included into ``target`` (node keys)."""

    source: str
    target: str


@dataclass(frozen=True)
class Box:
    node: Node
    x: int
    y: int
    label: str

    @property
    def text_x(self) -> int:
        return self.x + BOX_WIDTH // 2

    @property
    def text_y(self) -> int:
        return self.y + BOX_HEIGHT // 2 + 5


@dataclass(frozen=True)
class Line:
    x1: int
    y1: int
    x2: int
    y2: int


@dataclass(frozen=True)
class Drawing:
    width: int
    height: int
    boxes: tuple[Box, ...]
    lines: tuple[Line, ...]


def _label(title: str) -> str:
    return title if len(title) <= LABEL_LENGTH else title[: LABEL_LENGTH - 1].rstrip() + "…"


def layout(nodes: Sequence[Node], edges: Sequence[Edge]) -> Drawing:
    """Rows top to bottom from the oldest sources to the newest derivatives, each row centred;
    within a row, nodes keep the order they were given in."""
    generations = sorted({node.generation for node in nodes})
    rows = {generation: [node for node in nodes if node.generation == generation] for generation in generations}
    widest = max((len(row) for row in rows.values()), default=0)
    width = max(widest * BOX_WIDTH + (widest - 1) * GAP_X, BOX_WIDTH) + 2 * MARGIN
    boxes: dict[str, Box] = {}
    for row_index, generation in enumerate(generations):
        row = rows[generation]
        row_width = len(row) * BOX_WIDTH + (len(row) - 1) * GAP_X
        left = (width - row_width) // 2
        y = MARGIN + row_index * (BOX_HEIGHT + GAP_Y)
        for index, node in enumerate(row):
            boxes[node.key] = Box(node, left + index * (BOX_WIDTH + GAP_X), y, _label(node.title))
    lines = tuple(
        Line(
            boxes[edge.source].x + BOX_WIDTH // 2,
            boxes[edge.source].y + BOX_HEIGHT,
            boxes[edge.target].x + BOX_WIDTH // 2,
            boxes[edge.target].y,
        )
        for edge in edges
        if edge.source in boxes and edge.target in boxes
    )
    height = len(generations) * BOX_HEIGHT + max(len(generations) - 1, 0) * GAP_Y + 2 * MARGIN
    return Drawing(width=width, height=height, boxes=tuple(boxes.values()), lines=lines)
