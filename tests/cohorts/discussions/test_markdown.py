"""Posts are CommonMark, and nothing a person types adds an element or an attribute of its own."""

from html.parser import HTMLParser

import pytest

from cohorts.discussions.markdown import LINK_REL, excerpt, render

#: Every element and attribute the renderer itself may produce; anything else came from the person.
OWN_TAGS = {"p", "br", "strong", "em", "s", "a", "ul", "ol", "li", "blockquote", "code", "pre", "hr"}
OWN_ATTRIBUTES = {"a": {"href", "rel", "class"}, "ol": {"start"}}

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "<a href='javascript:alert(1)'>click</a>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    '[click](https://example.org "title onmouseover=alert(1)")',
    '[x](https://example.org/"onmouseover="alert(1))',
    "<https://example.org/\"onmouseover='alert(1)'>",
    "![pic](https://tracker.example.org/pixel.png)",
    "```html onclick=alert(1)\n<b>code</b>\n```",
    "# Big heading\n\nSetext\n======",
    '<div style="position:fixed">overlay</div>',
    "<iframe src=https://evil.example.org></iframe>",
    "**<svg onload=alert(1)>**",
    "&lt;script&gt; &#x3C;script&#x3E; &#60;img src=x onerror=1&#62;",
    "www.example.org/<script>",
    "@<script>alert(1)</script>",
    "[@ann](javascript:alert(1))",
    "<!-- comment --><?php echo 1; ?><![CDATA[x]]>",
    "\u202e\u0000<b>nul</b>",
]


class Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.comments: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, attrs))

    def handle_comment(self, data):
        self.comments.append(data)

    def handle_pi(self, data):
        self.comments.append(data)


def parsed(html: str) -> Collector:
    collector = Collector()
    collector.feed(html)
    collector.close()
    return collector


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_input_adds_no_element_or_attribute(text):
    html = render(text, mentionable={"ann"}).html
    document = parsed(html)
    assert not document.comments
    for tag, attributes in document.found:
        assert tag in OWN_TAGS, (tag, html)
        for name, value in attributes:
            assert name in OWN_ATTRIBUTES.get(tag, set()), (tag, name, html)
            if name == "href":
                assert value.startswith(("http://", "https://", "mailto:", "/people/")), html
            if name == "rel":
                assert value == LINK_REL
            if name == "class":
                assert value == "mention"
    assert "<img" not in html and "<script" not in html and "<h1" not in html and "language-" not in html


def test_commonmark_formatting_and_links():
    html = render("**bold** and *italic*\n\n- one\n- two\n\n> quoted\n\nSee https://example.org/page.").html
    assert "<strong>bold</strong>" in html and "<em>italic</em>" in html
    assert "<ul>\n<li>one</li>" in html and "<blockquote>" in html
    assert f'<a href="https://example.org/page" rel="{LINK_REL}">https://example.org/page</a>.' in html


def test_every_link_is_nofollow_ugc_noopener():
    html = render("[site](https://example.org) www.example.net mail@example.org").html
    document = parsed(html)
    links = [dict(attributes) for tag, attributes in document.found if tag == "a"]
    assert len(links) == 3
    assert all(link["rel"] == "nofollow ugc noopener" for link in links)


def test_mentions_link_only_the_people_allowed():
    rendered = render("Hi @ann, @mallory and @ann again; mail ann@example.org; `@ann` in code", mentionable={"ann"})
    assert rendered.mentions == ["ann"]
    assert rendered.html.count('class="mention"') == 2
    assert "@mallory" in rendered.html and "/people/mallory/" not in rendered.html
    assert "<code>@ann</code>" in rendered.html


def test_a_mention_inside_a_link_stays_that_link():
    rendered = render("[@ann](https://example.org)", mentionable={"ann"})
    assert rendered.mentions == []
    assert rendered.html.count("<a ") == 1


def test_excerpt_is_one_short_line():
    assert excerpt("a\n\nb   c") == "a b c"
    assert excerpt("x" * 300, 20) == "x" * 19 + "…"
