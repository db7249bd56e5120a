"""The pure passage helpers: sentences to choose from, quotes found through Markdown, well-formed highlights."""

import re
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from cohorts.review import passages
from cohorts.review.passages import Span
from tests.cohorts.html_elements import HOSTILE, assert_only_own_markup

TEXT = """Our **best** plan is [here](https://example.org) now. Second one!

- a goal
- three *steps* and more

> quoted text here"""


def test_sentences_are_numbered_by_paragraph_and_span_only_what_a_reader_sees():
    found = passages.sentences(TEXT)
    assert [(s.paragraph, s.position, s.text) for s in found] == [
        (1, 1, "Our best plan is here now."),
        (1, 2, "Second one!"),
        (2, 1, "a goal"),
        (2, 2, "three steps and more"),
        (3, 1, "quoted text here"),
    ]
    assert [s.number for s in found] == [1, 2, 3, 4, 5]
    assert TEXT[found[3].start : found[3].end] == "three *steps* and more"


def test_a_quote_selected_in_the_rendered_text_is_found_in_the_markdown():
    start, end = passages.locate(TEXT, "best plan is here now")
    assert TEXT[start:end] == "best** plan is [here](https://example.org) now"
    start, end = passages.locate(TEXT, "three steps and more\n\n  quoted")
    assert TEXT[start:end] == "three *steps* and more\n\n> quoted"
    assert passages.locate(TEXT, "not in the text") is None
    assert passages.locate(TEXT, "  ") is None


def test_of_several_occurrences_the_one_nearest_the_hint_wins():
    text = "A goal. Then a goal again. And a goal."
    first = passages.locate(text, "a goal")
    assert first == (13, 19)
    assert passages.locate(text, "a goal", near=35) == (31, 37)


class _Nesting(HTMLParser):
    VOID = {"br", "hr"}

    def __init__(self):
        super().__init__()
        self.stack = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, (tag, self.stack)
        self.stack.pop()


def assert_well_formed(html: str) -> None:
    checker = _Nesting()
    checker.feed(html)
    checker.close()
    assert checker.stack == []


def without_highlights(html: str) -> str:
    html = re.sub(r'<a class="inline-ref"[^>]*>[^<]*</a>', "", html)
    return re.sub(r"</?mark[^>]*>", "", html)


def test_highlights_cross_emphasis_links_and_paragraphs_and_stay_well_formed():
    spans = [
        Span(*passages.locate(TEXT, "best plan is here now"), anchor="thread-1", label="1", description="Comment 1"),
        Span(*passages.locate(TEXT, "steps and more quoted"), anchor="thread-2", label="2", description="Comment 2"),
        Span(*passages.locate(TEXT, "plan"), anchor="thread-3", label="3", description="Comment 3"),
    ]
    html = passages.highlight(TEXT, spans)
    assert_well_formed(html)
    assert '<a href="https://example.org" rel="nofollow ugc noopener"><mark' in html
    for number in (1, 2, 3):
        assert html.count(f'href="#thread-{number}"') == 1
    assert 'data-threads="thread-1 thread-3">plan</mark>' in html
    assert without_highlights(html) == passages.markdown.render(TEXT)


def test_a_passage_ending_inside_a_link_puts_its_reference_after_the_link():
    text = "Read [the whole guide](https://example.org/guide) first."
    span = Span(*passages.locate(text, "Read the whole"), anchor="thread-9", label="9", description="Comment 9")
    html = passages.highlight(text, [span])
    assert_well_formed(html)
    assert '</a><a class="inline-ref" href="#thread-9"' in html
    assert "%EE" not in html


def test_hostile_text_gains_no_element_from_highlighting():
    for text in HOSTILE:
        found = passages.sentences(text)
        spans = [
            Span(s.start, s.end, anchor=f"thread-{s.number}", label=str(s.number), description="<b>x</b>")
            for s in found
        ]
        html = passages.highlight(text, spans)
        assert_well_formed(html)
        assert_only_own_markup(without_highlights(html), classes=frozenset())
        assert "<b>x</b>" not in html


def test_private_use_characters_typed_in_the_text_cannot_open_a_highlight():
    text = "plain \ue000 words \ue001 here"
    html = passages.highlight(text, [])
    assert "<mark" not in html and "\ue000" not in html


words = st.sampled_from(["plan", "goal", "the", "steps", "a", "snake_case", "time!", "why?", "end."])
markup = st.sampled_from(["", "**", "*", "`", "~~"])


@st.composite
def markdown_texts(draw):
    paragraphs = []
    for _ in range(draw(st.integers(1, 3))):
        lines = []
        for _ in range(draw(st.integers(1, 3))):
            prefix = draw(st.sampled_from(["", "- ", "1. ", "> "]))
            pieces = []
            for _ in range(draw(st.integers(1, 6))):
                mark = draw(markup)
                pieces.append(f"{mark}{draw(words)}{mark}")
            lines.append(prefix + " ".join(pieces))
        paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


@settings(max_examples=150, deadline=None)
@given(markdown_texts(), st.data())
def test_any_run_of_visible_words_is_found_where_it_is(text, data):
    shown = passages.visible(text).text
    tokens = shown.split(" ")
    first = data.draw(st.integers(0, len(tokens) - 1))
    last = data.draw(st.integers(first, len(tokens) - 1))
    quote = " ".join(tokens[first : last + 1])
    start, end = passages.locate(text, quote, near=len(" ".join(tokens[:first])))
    assert passages.visible(text[start:end]).text.strip() == passages.normalise_quote(quote)


@settings(max_examples=150, deadline=None)
@given(markdown_texts(), st.lists(st.tuples(st.integers(0, 400), st.integers(0, 60)), max_size=6))
def test_highlighting_any_spans_gives_well_formed_html_with_the_text_unchanged(text, raw_spans):
    spans = [
        Span(start, start + length, anchor=f"thread-{n}", label=str(n), description=f"Comment {n}")
        for n, (start, length) in enumerate(raw_spans)
    ]
    html = passages.highlight(text, spans)
    assert_well_formed(html)
    assert not re.search("[\ue000-\uf8ff]", html)


@settings(max_examples=100, deadline=None)
@given(markdown_texts())
def test_sentences_are_in_order_and_never_overlap(text):
    found = passages.sentences(text)
    assert found, text
    for sentence, following in zip(found, found[1:], strict=False):
        assert sentence.start < sentence.end <= following.start
    assert all(s.text for s in found)
