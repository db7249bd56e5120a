"""Posts are the site's Markdown plus @mentions, and a mention adds nothing a person could steer."""

import pytest

from cohorts.discussions.markdown import excerpt, render
from cohorts.markdown import LINK_REL
from tests.cohorts.html_elements import HOSTILE, assert_only_own_markup, elements

MENTION_HOSTILE = [
    "@<script>alert(1)</script>",
    "[@ann](javascript:alert(1))",
    "@ann<img src=x onerror=alert(1)>",
    '@ann" onmouseover="alert(1)',
]


@pytest.mark.parametrize("text", HOSTILE + MENTION_HOSTILE)
def test_hostile_input_adds_no_element_or_attribute(text):
    html = render(text, mentionable={"ann"}).html
    assert_only_own_markup(html, link_prefixes=("http://", "https://", "mailto:", "/people/"), classes={"mention"})


def test_commonmark_formatting_and_links():
    html = render("**bold** and *italic*\n\n- one\n- two\n\n> quoted\n\nSee https://example.org/page.").html
    assert "<strong>bold</strong>" in html and "<em>italic</em>" in html
    assert "<ul>\n<li>one</li>" in html and "<blockquote>" in html
    assert f'<a href="https://example.org/page" rel="{LINK_REL}">https://example.org/page</a>.' in html


def test_every_link_is_nofollow_ugc_noopener():
    html = render("[site](https://example.org) www.example.net mail@example.org").html
    links = [attributes for tag, attributes in elements(html) if tag == "a"]
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


def test_a_mention_is_a_link_with_the_mention_class_and_the_site_rel():
    html = render("Thanks @ann", mentionable={"ann"}).html
    assert html == f'<p>Thanks <a href="/people/ann/" class="mention" rel="{LINK_REL}">@ann</a></p>\n'


def test_excerpt_is_one_short_line():
    assert excerpt("a\n\nb   c") == "a b c"
    assert excerpt("x" * 300, 20) == "x" * 19 + "…"
