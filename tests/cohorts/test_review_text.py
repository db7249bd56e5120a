"""Submissions and reviews are Markdown: hostile input adds no element or attribute, texts written in the
earlier light markup keep their shape, and versions still compare line by line."""

import re

import pytest

from cohorts.markdown import LINK_REL, render
from cohorts.models import ReviewAssignment, Submission
from cohorts.review import services
from cohorts.review.text_diff import DiffLine, has_changes, line_diff
from home.seed_reviews import COMMENTS, HARSH, WORK
from tests.cohorts.html_elements import HOSTILE, assert_only_own_markup, elements
from tests.cohorts.review_setup import hand_in, review_circle

LINK = f'rel="{LINK_REL}"'

#: What people wrote in the earlier light markup, and how it reads now.
LIGHT_MARKUP = [
    ("First line\nsecond line\n\nNext paragraph", "<p>First line<br>\nsecond line</p>\n<p>Next paragraph</p>\n"),
    ("My plan:\n- a goal\n- three steps", "<p>My plan:</p>\n<ul>\n<li>a goal</li>\n<li>three steps</li>\n</ul>\n"),
    ("* one\n* two", "<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n"),
    ("1. one\n2. two", "<ol>\n<li>one</li>\n<li>two</li>\n</ol>\n"),
    ("1) one\n2) two", "<ol>\n<li>one</li>\n<li>two</li>\n</ol>\n"),
    ("**Bold** idea and *italic* words", "<p><strong>Bold</strong> idea and <em>italic</em> words</p>\n"),
    (
        "See https://example.org/plan.",
        f'<p>See <a href="https://example.org/plan" {LINK}>https://example.org/plan</a>.</p>\n',
    ),
    # Pasted text is often indented: it stays a paragraph, not a code block.
    ("    Indented from a word processor\n\tand a tab", "<p>Indented from a word processor<br>\nand a tab</p>\n"),
    # File names with a country-code ending are not web addresses.
    ("I attached plan.md and notes.py", "<p>I attached plan.md and notes.py</p>\n"),
    ("Costs 5 * 3 = 15 and 2*3 = 6", "<p>Costs 5 * 3 = 15 and 2*3 = 6</p>\n"),
    ('a < b > c & "d"', "<p>a &lt; b &gt; c &amp; &quot;d&quot;</p>\n"),
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_input_adds_no_element_or_attribute(text):
    assert_only_own_markup(render(text))


def test_a_very_long_hostile_text_stays_inert():
    text = "\n".join(HOSTILE) * 40
    html = render(text[:20_000])
    assert_only_own_markup(html)
    assert html.count("&lt;script") >= 2


@pytest.mark.parametrize(("text", "html"), LIGHT_MARKUP)
def test_text_in_the_earlier_light_markup_keeps_its_shape(text, html):
    assert render(text) == html


def test_the_demo_reviews_and_work_read_as_before():
    assert "<strong>ten weekdays</strong>" in render(WORK["dana"][1])
    assert "<p>Rainfall in Shanghai" in render(WORK["chen"][1])
    assert "<li>Source and date in the footer</li>" in render(WORK["chen"][1])
    for comment in [*COMMENTS, HARSH]:
        assert render(comment) == f"<p>{comment}</p>\n"


def test_links_are_the_addresses_people_mean_and_carry_the_site_rel():
    html = render("[plan](https://example.org/p) www.example.net dana@example.org <https://example.org/a>")
    links = [attributes for tag, attributes in elements(html) if tag == "a"]
    assert [link["href"] for link in links] == [
        "https://example.org/p",
        "http://www.example.net",
        "mailto:dana@example.org",
        "https://example.org/a",
    ]
    assert all(link["rel"] == LINK_REL and set(link) == {"href", "rel"} for link in links)


def test_the_diff_compares_what_was_typed_line_by_line():
    old = "My plan:\n- a goal\n- three steps"
    new = "My plan:\n- a **clear** goal\n- three steps\n- <b>a date</b>"
    assert line_diff(old, new) == [
        DiffLine("same", "My plan:"),
        DiffLine("removed", "- a goal"),
        DiffLine("added", "- a **clear** goal"),
        DiffLine("same", "- three steps"),
        DiffLine("added", "- <b>a date</b>"),
    ]
    assert has_changes(line_diff(old, new)) and not has_changes(line_diff(old, old))


@pytest.mark.django_db
def test_hostile_work_and_review_render_inert_on_the_pages(client, site_tree):
    rc = review_circle(learners=4)
    author = rc.learners[0]
    # Forms refuse NUL before it reaches a service (Django's ProhibitNullCharactersValidator), and
    # PostgreSQL cannot store it; the renderer's own tests still see it.
    hostile = "\n\n".join(text.replace("\x00", "") for text in HOSTILE[:-1])
    hand_in(rc, author, text="A **plan** https://example.org/plan\n" + hostile)
    for learner in rc.learners[1:]:
        hand_in(rc, learner)
    services.reviews_allocate_at_deadline(activity=rc.activity(), by=rc.facilitator)
    assignment = ReviewAssignment.objects.filter(submission__authors__user=author).first()
    criterion_ids = rc.criterion_ids()
    services.review_save_draft(
        assignment=assignment,
        by=assignment.reviewer,
        overall_comment="*Kind* words\n" + hostile,
        scores=dict.fromkeys(criterion_ids, (3, "- a point\n<img src=x onerror=alert(1)>")),
    )
    services.review_submit(assignment=assignment, by=assignment.reviewer)
    client.force_login(assignment.reviewer)
    page = client.get(assignment.get_absolute_url()).content.decode()
    texts = re.findall(r'<div class="learner-text">(.*?)</div>', page, flags=re.DOTALL)
    assert len(texts) == 1 + len(criterion_ids) + 1  # the work, a comment per criterion, the overall comment
    for html in texts:
        assert_only_own_markup(html)
    assert "<strong>plan</strong>" in texts[0] and "<em>Kind</em>" in texts[-1] and "<li>a point<br>" in texts[1]
    assert f'<a href="https://example.org/plan" {LINK}>' in texts[0]


@pytest.mark.django_db
def test_the_changes_between_versions_show_the_typed_lines_escaped(client, site_tree):
    rc = review_circle(learners=1)
    author = rc.learners[0]
    submission = hand_in(rc, author, text="Goal\n- meet")
    services.submission_save_draft(
        activity=rc.activity(), user=author, text="Goal\n- meet **weekly**\n<script>alert(1)</script>"
    )
    services.submission_submit(submission=Submission.objects.get(pk=submission.pk), by=author)
    client.force_login(author)
    page = client.get(submission.get_absolute_url()).content.decode()
    assert '<del><span class="visually-hidden">Removed: </span>- - meet</del>' in page
    assert '<ins><span class="visually-hidden">Added: </span>+ - meet **weekly**</ins>' in page
    assert "+ &lt;script&gt;alert(1)&lt;/script&gt;</ins>" in page
    assert "<script>alert(1)" not in page
