"""A course version laid out as a book: title page, one chapter per module, and the attribution chapter.

Every format is built from this one book, so EPUB, PDF and Common Cartridge show the same text:
chapters are XHTML fragments (rendered by the templates in courses/exports/, then made well-formed
XML by `xhtml_fragment`), images are collected once as files, and links inside the course point at
chapters rather than at the website.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree
from lxml import html as lxml_html

from p2pu.core.links import absolute_url

from ..blocks import SubmissionType, video_provider
from ..licensing import Licence, author_names, tasl_text
from ..models import ModulePage
from .editions import Edition

#: Images are scaled to fit this box: sharp on a tablet, small enough for an e-reader.
IMAGE_FILTER = "max-1200x1200"
#: URL schemes a link in an exported file may keep; anything else loses its link, keeping its text.
LINK_SCHEMES = ("http://", "https://", "mailto:")

Progress = Callable[[int, int], None]


@dataclass
class Picture:
    """An image file carried inside the export."""

    name: str
    media_type: str
    data: bytes
    credit: str = ""
    licence: str = ""
    caption: str = ""

    @property
    def item_id(self) -> str:
        """An XML id for the file: its name without folder and extension."""
        return self.name.rsplit("/", 1)[-1].rsplit(".", 1)[0]


@dataclass
class Chapter:
    key: str
    title: str
    filename: str
    body: str
    module: ModulePage | None = None
    #: (anchor id, heading text, level 2 or 3) for the outline.
    headings: list[tuple[str, str, int]] = field(default_factory=list)
    #: Discussion questions and activities in reading order, for formats that give them their own items.
    discussions: list[dict] = field(default_factory=list)
    activities: list[dict] = field(default_factory=list)


@dataclass
class Book:
    edition: Edition
    chapters: list[Chapter]
    pictures: dict[str, Picture]
    cover: Picture | None
    modified: dt.datetime

    @property
    def title(self) -> str:
        return self.edition.course.title

    @property
    def language(self) -> str:
        return self.edition.course.language

    @property
    def direction(self) -> str:
        return "rtl" if self.language in ("ar", "he", "fa", "ur") else "ltr"

    @property
    def identifier(self) -> str:
        return f"{self.edition.url}#version-{self.edition.version_key[:16]}"

    @property
    def module_chapters(self) -> list[Chapter]:
        return [chapter for chapter in self.chapters if chapter.module is not None]


def _link_target(href: str, chapter_for_path: dict[str, str]) -> str | None:
    if href.startswith("#"):
        return href
    if href.startswith("/") and not href.startswith("//"):
        path, _, anchor = href.partition("#")
        chapter = chapter_for_path.get(path)
        if chapter:
            return chapter + (f"#{anchor}" if anchor else "")
        return absolute_url(href)
    if href.startswith(LINK_SCHEMES):
        return href
    return None


def xhtml_fragment(markup: str, chapter_for_path: dict[str, str] | None = None) -> str:
    """HTML from templates and rich text as well-formed XHTML: void elements closed, entities
    resolved, links to this course's modules pointed at their chapters, site paths made absolute
    and links with any other scheme unlinked."""
    root = lxml_html.fragment_fromstring(markup, create_parent="div")
    for link in root.iter("a"):
        href = link.get("href")
        if href is None:
            continue
        target = _link_target(href.strip(), chapter_for_path or {})
        if target is None:
            del link.attrib["href"]
        else:
            link.set("href", target)
    for element in root.iter():
        # Wagtail's rich text marks internal links with attributes XHTML does not know.
        for name in ("linktype", "data-id"):
            element.attrib.pop(name, None)
    parts = [escape(root.text or "", quote=False)]
    parts += [etree.tostring(child, method="xml", encoding="unicode", with_tail=True) for child in root]
    return "".join(parts)


class _Renderer:
    """Renders one edition's chapters, collecting their images."""

    def __init__(self, edition: Edition):
        self.edition = edition
        self.pictures: dict[str, Picture] = {}
        self.cover: Picture | None = None
        self.chapter_for_path = {module.get_url(): chapter_filename(module) for module in edition.modules}

    def picture(self, image, *, credit: str = "", licence: str = "", caption: str = "") -> Picture:
        is_png = image.file.name.lower().endswith((".png", ".gif"))
        rendition = image.get_rendition(f"{IMAGE_FILTER}|format-{'png' if is_png else 'jpeg'}")
        name = f"images/image-{image.pk}.{'png' if is_png else 'jpg'}"
        if name not in self.pictures:
            with rendition.file.open("rb") as handle:
                data = handle.read()
            media_type = "image/png" if is_png else "image/jpeg"
            self.pictures[name] = Picture(name, media_type, data, credit=credit, licence=licence, caption=caption)
        return self.pictures[name]

    def block_context(self, block, chapter: Chapter) -> dict:
        value = block.value
        context = {"value": value, "id": block.id, "block_type": block.block_type}
        if block.block_type == "image" and value.get("image"):
            picture = self.picture(
                value["image"], credit=value["credit"], licence=value["licence"], caption=value["caption"]
            )
            context["src"] = picture.name
        elif block.block_type == "heading":
            chapter.headings.append((f"h-{block.id}", value["text"], 3 if value["level"] == "h3" else 2))
        elif block.block_type == "video":
            context["provider"] = video_provider(value["url"])
        elif block.block_type == "discussion":
            chapter.discussions.append({"id": block.id, "question": value["question"], "guidance": value["guidance"]})
        elif block.block_type == "activity":
            rubric = value.get("rubric")
            context["submission_label"] = dict(SubmissionType.CHOICES).get(value["submission_type"], "")
            context["criteria"] = rubric.criteria_list() if rubric else []
            chapter.activities.append(
                {
                    "id": block.id,
                    "title": value["title"],
                    "prompt": xhtml_fragment(str(value["prompt"]) or "<p></p>", self.chapter_for_path),
                    "submission_type": value["submission_type"],
                    "rubric": rubric,
                    "criteria": context["criteria"],
                }
            )
        return context

    def module_chapter(self, number: int, module: ModulePage) -> Chapter:
        chapter = Chapter(key=f"module-{module.pk}", title=module.title, filename=chapter_filename(module), body="")
        chapter.module = module
        blocks_html = "".join(
            render_to_string(f"courses/exports/blocks/{block.block_type}.html", self.block_context(block, chapter))
            for block in module.body
        )
        verbatim = self.edition.verbatim_modules.get(module.pk)
        markup = render_to_string(
            "courses/exports/module.html",
            {
                "module": module,
                "number": number,
                "body": blocks_html,
                "licence": self.edition.module_licence(module),
                "course_licence": self.edition.licence,
                "verbatim": verbatim,
                "verbatim_line": source_line(verbatim) if verbatim else "",
            },
        )
        chapter.body = xhtml_fragment(markup, self.chapter_for_path)
        return chapter

    def title_chapter(self) -> Chapter:
        edition = self.edition
        if edition.course.cover_image:
            self.cover = self.picture(edition.course.cover_image)
        markup = render_to_string(
            "courses/exports/title_page.html",
            {
                "edition": edition,
                "course": edition.course,
                "licence": edition.licence,
                "credits": edition.credits,
                "cover": self.cover,
                "verbatim": [
                    {"module": module, "line": source_line(edition.verbatim_modules[module.pk])}
                    for module in edition.modules
                    if module.pk in edition.verbatim_modules
                ],
                "exported_at": timezone.now(),
            },
        )
        return Chapter(key="title", title=edition.course.title, filename="title.xhtml", body=xhtml_fragment(markup))

    def attribution_chapter(self) -> Chapter:
        edition = self.edition
        course = edition.course
        own_line = tasl_text(course.title, [credit.name for credit in edition.credits], edition.url, edition.licence)
        verbatim = [
            {"module": module, "link": edition.verbatim_modules[module.pk]}
            for module in edition.modules
            if module.pk in edition.verbatim_modules
        ]
        markup = render_to_string(
            "courses/exports/attribution.html",
            {
                "edition": edition,
                "own_line": own_line,
                "lines": edition.attribution.lines,
                "verbatim": [
                    {**item, "line": source_line(item["link"]), "licence": Licence(item["link"].licence)}
                    for item in verbatim
                ],
                "pictures": [picture for picture in self.pictures.values() if picture.credit or picture.licence],
            },
        )
        body = xhtml_fragment(markup)
        return Chapter(key="attribution", title=_("Sources and attribution"), filename="attribution.xhtml", body=body)


def chapter_filename(module: ModulePage) -> str:
    return f"module-{module.pk}.xhtml"


def source_line(link) -> str:
    """The TASL line of a derivation's source."""
    snapshot = link.snapshot
    return tasl_text(
        snapshot.get("title", ""), author_names(snapshot.get("authors", [])), link.source_url, Licence(link.licence)
    )


def book_build(edition: Edition, *, progress: Progress | None = None) -> Book:
    """Lay the edition out as a book; ``progress(done, total)`` is called as modules are rendered."""
    renderer = _Renderer(edition)
    total = len(edition.modules) + 2
    chapters = [renderer.title_chapter()]
    for number, module in enumerate(edition.modules, start=1):
        chapters.append(renderer.module_chapter(number, module))
        if progress:
            progress(number, total)
    chapters.append(renderer.attribution_chapter())
    modified = max(
        [page.last_published_at for page in [edition.course, *edition.modules] if page.last_published_at]
        or [timezone.now()]
    )
    return Book(edition=edition, chapters=chapters, pictures=renderer.pictures, cover=renderer.cover, modified=modified)
