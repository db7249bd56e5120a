"""The pure parts of remixing: a module's text as paragraphs, the comparison, and the family drawing."""

import json

from courses.remix import diff, tree


def content(**fields):
    body = fields.pop("body", [])
    return {"title": "Intro", "summary": "", "body": json.dumps(body), **fields}


class TestParagraphs:
    def test_one_paragraph_per_block_with_markup_and_codes_dropped(self):
        body = [
            {"type": "heading", "value": {"text": "Before you start", "level": "h2"}, "id": "1"},
            {
                "type": "text",
                "value": "<p>Read <b>this</b> &amp; that.</p><ul><li>One</li><li>Two</li></ul>",
                "id": "2",
            },
            {
                "type": "activity",
                "value": {"title": "Plan", "prompt": "<p>Write a plan.</p>", "rubric": 7, "submission_type": "text"},
                "id": "3",
            },
        ]
        assert diff.paragraphs(content(summary="What it covers.", body=body)) == [
            "Intro",
            "What it covers.",
            "Before you start",
            "Read this & that. One Two",
            "Plan Write a plan.",
        ]

    def test_stream_fields_may_come_as_data_or_as_json(self):
        body = [{"type": "text", "value": "<p>Hello</p>", "id": "1"}]
        assert diff.paragraphs({"title": "T", "body": body}) == diff.paragraphs(content(title="T", body=body))


class TestCompare:
    def test_unchanged_text_has_no_changes(self):
        rows = diff.compare(["a b", "c"], ["a b", "c"])
        assert [row.op for row in rows] == ["equal", "equal"]
        assert not diff.has_changes(rows)

    def test_changed_paragraphs_are_compared_word_by_word(self):
        rows = diff.compare(["Title", "read this, then talk it over."], ["Title", "read this, then write it down."])
        assert rows[1].op == "replace"
        assert [(segment.op, segment.text) for segment in rows[1].segments] == [
            ("equal", "read this, then"),
            ("delete", "talk"),
            ("insert", "write"),
            ("equal", "it"),
            ("delete", "over."),
            ("insert", "down."),
        ]

    def test_added_and_removed_paragraphs(self):
        rows = diff.compare(["Keep", "Drop"], ["Keep", "New one", "Another"])
        assert [row.op for row in rows] == ["equal", "replace", "insert"]
        rows = diff.compare(["Keep", "Drop"], ["Keep"])
        assert [row.op for row in rows] == ["equal", "delete"]
        assert diff.has_changes(rows)


class TestTreeLayout:
    def test_sources_above_derivatives_below_with_a_line_per_edge(self):
        nodes = [
            tree.Node("self", "The course", 0, current=True),
            tree.Node("s", "Its source", -1),
            tree.Node("d1", "Remix one", 1),
            tree.Node("d2", "A remix with a title far too long to fit in its box", 1),
        ]
        edges = [tree.Edge("s", "self"), tree.Edge("self", "d1"), tree.Edge("self", "d2")]
        drawing = tree.layout(nodes, edges)
        boxes = {box.node.key: box for box in drawing.boxes}
        assert boxes["s"].y < boxes["self"].y < boxes["d1"].y == boxes["d2"].y
        assert boxes["d1"].x < boxes["d2"].x
        assert boxes["d2"].label.endswith("…") and len(boxes["d2"].label) <= tree.LABEL_LENGTH
        assert len(drawing.lines) == 3
        assert drawing.width >= 2 * tree.BOX_WIDTH + tree.GAP_X
        assert drawing.height == 3 * tree.BOX_HEIGHT + 2 * tree.GAP_Y + 2 * tree.MARGIN

    def test_a_lone_course_is_one_box(self):
        drawing = tree.layout([tree.Node("self", "Alone", 0, current=True)], [])
        assert len(drawing.boxes) == 1 and not drawing.lines
