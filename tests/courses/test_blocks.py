"""The module block library: every block renders, and nothing an author types can run in a reader's browser."""

import json

import pytest
from django.core.exceptions import ValidationError
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.test.utils.form_data import nested_form_data, querydict_from_html, rich_text, streamfield

from courses.blocks import ModuleBodyBlock, video_provider
from courses.models import ModulePage
from tests.courses.factories import CoursePageFactory, ModulePageFactory, RubricFactory, activity_block
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert('xss')</script>"
JS_URL = "javascript:alert('xss')"

body_block = ModuleBodyBlock()


def render(block_type: str, raw_value) -> str:
    block = body_block.child_blocks[block_type]
    return str(block.render(block.to_python(raw_value), context={"id": "block-1"}))


def contentstate(text: str, link_url: str | None = None) -> str:
    """What the Draftail editor posts: a block of text, optionally all one link (no HTML is ever posted)."""
    entity_ranges, entity_map = [], {}
    if link_url is not None:
        entity_ranges = [{"offset": 0, "length": len(text), "key": 0}]
        entity_map = {"0": {"type": "LINK", "mutability": "MUTABLE", "data": {"url": link_url}}}
    return json.dumps(
        {
            "blocks": [
                {
                    "key": "a1b2c",
                    "type": "unstyled",
                    "depth": 0,
                    "text": text,
                    "inlineStyleRanges": [],
                    "entityRanges": entity_ranges,
                    "data": {},
                }
            ],
            "entityMap": entity_map,
        }
    )


class TestEveryBlockRenders:
    def test_heading_uses_only_level_2_or_3(self):
        assert render("heading", {"text": "Plan", "level": "h3"}) == '<h3 id="section-block-1">Plan</h3>\n'
        assert render("heading", {"text": "Plan", "level": "script"}).startswith("<h2 ")

    def test_text(self):
        assert "<p>Hello <b>circle</b></p>" in render("text", "<p>Hello <b>circle</b></p>")

    def test_image_with_alt_caption_credit_and_licence(self):
        image = Image.objects.create(title="Circle", file=get_test_image_file())
        html = render(
            "image",
            {
                "image": image.pk,
                "alt_text": "Five people around a table",
                "caption": "A circle meets",
                "credit": "Photo: Ana",
                "licence": "CC-BY-4.0",
            },
        )
        assert 'alt="Five people around a table"' in html
        assert "A circle meets" in html and "Photo: Ana" in html
        assert 'href="https://creativecommons.org/licenses/by/4.0/"' in html

    def test_video_is_a_link_card_naming_the_provider(self):
        html = render("video", {"url": "https://youtu.be/abc", "title": "Meeting well", "duration_minutes": 4})
        assert "<iframe" not in html
        assert 'href="https://youtu.be/abc"' in html
        assert "Watch on YouTube" in html and "4 min" in html

    @pytest.mark.parametrize(
        ("url", "provider"),
        [
            ("https://www.youtube.com/watch?v=x", "YouTube"),
            ("https://vimeo.com/1", "Vimeo"),
            ("https://m.youtube.com/watch?v=x", "YouTube"),
            ("https://video.example.org/v/1", "video.example.org"),
        ],
    )
    def test_video_provider(self, url, provider):
        assert video_provider(url) == provider

    def test_callout_kinds(self):
        html = render("callout", {"kind": "warning", "title": "", "text": "<p>Careful</p>"})
        assert 'class="callout callout-warning"' in html and "Warning" in html and "<p>Careful</p>" in html
        assert 'class="callout callout-note"' in render("callout", {"kind": '"><script>', "text": "<p>x</p>"})

    def test_quote_with_source(self):
        html = render("quote", {"text": "Learn together", "source": "P2PU", "source_url": "https://p2pu.org"})
        assert "Learn together" in html and 'cite="https://p2pu.org"' in html and ">P2PU</a>" in html

    def test_code_is_shown_as_typed(self):
        html = render("code", {"language": "python", "code": "if a < b:\n    print('<b>')"})
        assert "if a &lt; b:\n    print(&#x27;&lt;b&gt;&#x27;)" in html
        assert "Python" in html

    def test_external_resource(self):
        html = render(
            "resource",
            {"title": "Handbook", "url": "https://example.org/h", "author": "Ana", "licence": "CC-BY-SA-4.0"},
        )
        assert 'href="https://example.org/h"' in html and "By Ana" in html and "CC BY-SA 4.0" in html

    def test_discussion_question(self):
        html = render("discussion", {"question": "What helps you learn?", "guidance": "Go round the circle."})
        assert "What helps you learn?" in html and "Go round the circle." in html

    def test_activity_with_its_rubric_and_facts(self):
        rubric = RubricFactory(title="Plan rubric")
        html = render("activity", activity_block(rubric, submission_type="link", due_offset_days=3)["value"])
        assert "Share your plan" in html
        assert "A link" in html and "3 peer reviews per submission" in html and "3 days after" in html
        assert "Rubric: Plan rubric" in html and "Clarity" in html


#: A minimal value for every block type; a new block type fails the test below until it is added here.
MINIMAL_VALUES = {
    "heading": {"text": "Heading"},
    "text": "<p>Text</p>",
    "image": {"image": None},
    "video": {"url": "https://vimeo.com/1", "title": "Video"},
    "callout": {"kind": "tip", "text": "<p>Callout</p>"},
    "quote": {"text": "Quote"},
    "code": {"code": "print()"},
    "resource": {"title": "Resource", "url": "https://example.org"},
    "discussion": {"question": "Question?"},
    "activity": activity_block(None)["value"],
}


def test_every_block_type_has_a_template_and_renders():
    assert set(MINIMAL_VALUES) == set(body_block.child_blocks)
    for block_type, value in MINIMAL_VALUES.items():
        block = body_block.child_blocks[block_type]
        assert block_type == "text" or block.meta.template.startswith("courses/blocks/"), block_type
        if block_type != "image":  # an image block without an image renders nothing, by design
            assert render(block_type, value).strip(), block_type


class TestNothingTypedRuns:
    @pytest.mark.parametrize(
        "url",
        [JS_URL, "JaVaScRiPt:alert(1)", " javascript:alert(1)", "data:text/html,<script>x</script>", "ftp://x.org/"],
    )
    @pytest.mark.parametrize(("block_type", "field"), [("video", "url"), ("resource", "url"), ("quote", "source_url")])
    def test_url_fields_accept_only_web_addresses(self, block_type, field, url):
        block = body_block.child_blocks[block_type]
        value = block.to_python({"url": "https://ok.example", "title": "t", "text": "t", field: url})
        with pytest.raises(ValidationError):
            block.clean(value)

    @pytest.mark.parametrize(
        ("block_type", "value"),
        [
            ("video", {"url": JS_URL, "title": "v"}),
            ("resource", {"url": JS_URL, "title": "r"}),
            ("quote", {"text": "q", "source": "s", "source_url": JS_URL}),
        ],
    )
    def test_a_stored_javascript_url_is_never_rendered_as_a_link(self, block_type, value):
        assert "javascript:" not in render(block_type, value).lower()

    @pytest.mark.parametrize(
        ("block_type", "value"),
        [
            ("heading", {"text": SCRIPT}),
            ("video", {"url": "https://x.org", "title": SCRIPT, "description": SCRIPT}),
            ("callout", {"kind": "note", "title": SCRIPT, "text": "<p>x</p>"}),
            ("quote", {"text": SCRIPT, "source": SCRIPT}),
            ("code", {"language": "html", "code": SCRIPT}),
            ("resource", {"url": "https://x.org", "title": SCRIPT, "author": SCRIPT, "description": SCRIPT}),
            ("discussion", {"question": SCRIPT, "guidance": SCRIPT}),
            ("activity", activity_block(None, title=SCRIPT)["value"]),
        ],
    )
    def test_plain_text_is_escaped(self, block_type, value):
        html = render(block_type, value)
        assert "<script>" not in html
        assert "&lt;script&gt;" in html

    def test_rich_text_from_the_editor_keeps_no_script_or_javascript_link(self):
        block = body_block.child_blocks["text"]
        typed = block.value_from_datadict({"body": contentstate(SCRIPT)}, {}, "body")
        linked = block.value_from_datadict({"body": contentstate("click me", link_url=JS_URL)}, {}, "body")
        html = render("text", block.get_prep_value(block.clean(typed))) + render(
            "text", block.get_prep_value(block.clean(linked))
        )
        assert "<script>" not in html and "&lt;script&gt;" in html
        assert "javascript:" not in html.lower() and "click me" in html


class TestAuthoringThroughTheAdmin:
    """The same guarantees, end to end: what an author posts in the Wagtail editor."""

    @pytest.fixture
    def editor_client(self, client):
        client.force_login(UserFactory(is_superuser=True, is_staff=True))
        return client

    def post_module(self, client, course, body):
        url = f"/admin/pages/add/courses/modulepage/{course.pk}/"
        form = querydict_from_html(client.get(url).text, form_id="page-edit-form")
        form.update(
            nested_form_data(
                {
                    "title": "Typed module",
                    "slug": "typed-module",
                    "objectives": streamfield([]),
                    "body": streamfield(body),
                }
            )
        )
        form["action-publish"] = "publish"
        return client.post(url, form)

    def test_a_javascript_url_is_refused_and_nothing_is_saved(self, editor_client):
        course = CoursePageFactory()
        response = self.post_module(editor_client, course, [("video", {"url": JS_URL, "title": "Watch"})])
        assert response.status_code == 200
        assert "Enter a web address starting with http:// or https://." in response.text
        assert not ModulePage.objects.filter(slug="typed-module").exists()

    def test_script_and_javascript_link_in_rich_text_never_reach_the_page(self, editor_client, client):
        course = CoursePageFactory()
        html = f'<p>{SCRIPT}</p><p><a href="{JS_URL}">click me</a></p>'
        response = self.post_module(editor_client, course, [("text", rich_text(html))])
        assert response.status_code == 302, response.text[:2000]
        module = ModulePage.objects.get(slug="typed-module")
        client.logout()
        page_html = client.get(module.url).text
        assert "<script>alert" not in page_html
        assert "javascript:" not in page_html.lower()
        assert "click me" in page_html


def test_module_body_renders_in_order_through_the_page(client):
    module = ModulePageFactory(
        body=[
            {"type": "heading", "id": "h", "value": {"text": "First", "level": "h2"}},
            {"type": "text", "id": "t", "value": "<p>Second</p>"},
        ]
    )
    text = client.get(module.url).text
    assert text.index("First") < text.index("Second")


def test_an_activity_offers_self_assessment_with_a_rubric_and_calibration_with_peer_review():
    activity = body_block.child_blocks["activity"]
    rubric = RubricFactory()
    fine = activity.to_python(activity_block(rubric, self_assessment=True, calibration=True)["value"])
    assert activity.clean(fine)["calibration"] is True
    assert activity.to_python(activity_block(rubric)["value"])["self_assessment"] is False

    without_rubric = activity.to_python(
        activity_block(None, reviews_per_submission=0, self_assessment=True, calibration=True)["value"]
    )
    with pytest.raises(ValidationError) as refused:
        activity.clean(without_rubric)
    assert set(refused.value.block_errors) == {"self_assessment", "calibration"}
