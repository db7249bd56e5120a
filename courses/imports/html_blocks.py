"""HTML (from Word, an EPUB chapter or a cartridge page) as module body blocks from our library.

Headings become heading blocks, paragraphs and lists rich text (only what our rich text allows:
bold, italic, code, links to web addresses, lists), block quotes quote blocks, preformatted text
code blocks, tables rich text (a paragraph per row) and images image blocks. Everything else keeps
its text and loses its markup.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape

from lxml import html as lxml_html

INLINE = {"b": "b", "strong": "b", "i": "i", "em": "i", "code": "code"}
LINK_SCHEMES = ("http://", "https://", "mailto:")
XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
WHOLE_PAGE = re.compile(r"<(html|body)[\s>]", re.IGNORECASE)
CONTAINERS = {"div", "section", "article", "main", "body", "header", "footer", "aside", "nav", "figure"}


@dataclass
class ImageReference:
    src: str
    alt: str = ""
    caption: str = ""
    #: The image file, once the reader has found it in the upload.
    data: bytes | None = None


@dataclass
class Body:
    """Blocks as (block type, value) pairs; an image block's value holds its ImageReference until saved."""

    blocks: list[tuple[str, object]] = field(default_factory=list)
    #: From pages this site exported: the module's summary and objectives.
    summary: str = ""
    objectives: list[str] = field(default_factory=list)
    #: Discussion questions and activities come as items of their own (a cartridge), not from the page.
    separate_items: bool = False
    _text: list[str] = field(default_factory=list)

    def text(self, markup: str) -> None:
        if markup.strip():
            self._text.append(markup)

    def block(self, kind: str, value) -> None:
        self.flush()
        self.blocks.append((kind, value))

    def flush(self) -> None:
        if self._text:
            self.blocks.append(("text", "".join(self._text)))
            self._text = []


def _inline(element) -> str:
    """An element's content as our rich text's inline markup."""
    parts = [escape(element.text or "")]
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        inner = _inline(child)
        if tag in INLINE:
            parts.append(f"<{INLINE[tag]}>{inner}</{INLINE[tag]}>" if inner.strip() else inner)
        elif tag == "a" and (child.get("href") or "").startswith(LINK_SCHEMES):
            parts.append(f'<a href="{escape(child.get("href"))}">{inner}</a>')
        elif tag == "br":
            parts.append("<br/>")
        elif tag != "img":
            parts.append(inner)
        parts.append(escape(child.tail or ""))
    return "".join(parts)


def _list(element) -> str:
    items = "".join(f"<li>{_inline(item)}</li>" for item in element if item.tag == "li")
    return f"<{element.tag}>{items}</{element.tag}>" if items else ""


def _images_in(element) -> list[ImageReference]:
    caption = next((child.text_content().strip() for child in element.iter("figcaption")), "")
    return [
        ImageReference(img.get("src", ""), img.get("alt", ""), caption) for img in element.iter("img") if img.get("src")
    ]


def _first(element, class_name: str):
    found = element.find_class(class_name)
    return found[0] if found else None


def _plain(element) -> str:
    return element.text_content().strip() if element is not None else ""


def _rich(element) -> str:
    """The paragraphs and lists inside an element, as our rich text."""
    if element is None:
        return ""
    inner = Body()
    _walk(element, inner, skip_title=lambda _element: False)
    inner.flush()
    return "".join(value for kind, value in inner.blocks if kind == "text")


def _link(element) -> tuple[str, str]:
    link = next((a for a in element.iter("a") if (a.get("href") or "").startswith(("http://", "https://"))), None)
    return (link.get("href"), _plain(link)) if link is not None else ("", "")


def _marked(child, body: Body) -> bool:
    """Parts and blocks of a page this site exported (marked with data-part and data-block attributes),
    read back as what they were; False for anything else."""
    part, block = child.get("data-part"), child.get("data-block")
    if part == "header":
        body.summary = _plain(_first(child, "lead"))
    elif part == "objectives":
        body.objectives = [_plain(item) for item in child.iter("li") if _plain(item)]
    elif part in ("note", "rubric") or (block in ("discussion", "activity") and body.separate_items):
        # Generated notes, and rubrics (which are not rebuilt: imported activities start without peer review).
        pass
    elif block == "quote":
        url, _title = _link(child)
        source = _plain(_first(child, "quote-source")).removeprefix("—").strip()
        body.block(
            "quote", {"text": _plain(_first(child, "quote-text"))[:2000], "source": source[:250], "source_url": url}
        )
    elif block == "discussion":
        question = _plain(_first(child, "question"))
        body.block("discussion", {"question": question[:500], "guidance": _plain(_first(child, "guidance"))[:1000]})
    elif block == "activity":
        heading = next(child.iter("h2"), None)
        body.block(
            "activity",
            {
                "title": _plain(heading).removeprefix("Activity:").strip()[:120] or "Activity",
                "prompt": _rich(_first(child, "prompt")) or "<p></p>",
                "submission_type": child.get("data-submission") or "text",
                "rubric": None,
                "reviews_per_submission": 0,
                "due_offset_days": 7,
            },
        )
    elif block == "callout":
        kind = child.get("data-kind") if child.get("data-kind") in ("note", "tip", "warning") else "note"
        body.block(
            "callout",
            {
                "kind": kind,
                "title": _plain(_first(child, "callout-title"))[:120],
                "text": _rich(_first(child, "callout-text")),
            },
        )
    elif block in ("video", "resource"):
        url, title = _link(child)
        if not url:
            return False
        value = {"url": url, "title": title[:200], "description": _plain(_first(child, "description"))[:1000]}
        if block == "resource":
            value |= {"author": _plain(_first(child, "author"))[:200], "licence": ""}
        else:
            value["duration_minutes"] = None
        body.block(block, value)
    else:
        return False
    return True


def _walk(element, body: Body, *, skip_title: Callable[[object], bool]) -> None:
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if skip_title(child) or (tag and _marked(child, body)):
            continue
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            text = child.text_content().strip()
            if text:
                body.block("heading", {"text": text[:120], "level": "h2" if tag in ("h1", "h2") else "h3"})
        elif tag == "p":
            for image in _images_in(child):
                body.block("image", image)
            body.text(f"<p>{_inline(child)}</p>" if child.text_content().strip() else "")
        elif tag in ("ul", "ol"):
            body.text(_list(child))
        elif tag == "blockquote":
            text = child.text_content().strip()
            if text:
                body.block("quote", {"text": text[:2000], "source": "", "source_url": ""})
        elif tag == "pre":
            body.block("code", {"language": "text", "code": child.text_content()})
        elif tag == "table":
            rows = [
                " | ".join(cell.text_content().strip() for cell in row if cell.tag in ("td", "th"))
                for row in child.iter("tr")
            ]
            body.text("".join(f"<p>{escape(row)}</p>" for row in rows if row.strip()))
        elif tag == "img" and child.get("src"):
            body.block("image", ImageReference(child.get("src"), child.get("alt", "")))
        elif tag in CONTAINERS:
            if tag == "figure":
                for image in _images_in(child):
                    body.block("image", image)
            else:
                _walk(child, body, skip_title=skip_title)
        elif tag and child.text_content().strip():
            body.text(f"<p>{_inline(child)}</p>")


def html_body(markup: str, *, title: str = "", separate_items: bool = False) -> Body:
    """The blocks of an HTML page or fragment; a first heading equal to ``title`` is left out."""
    body = Body(separate_items=separate_items)
    markup = XML_DECLARATION.sub("", markup, count=1)
    if not markup.strip():
        return body
    if WHOLE_PAGE.search(markup[:4000]):
        root = lxml_html.document_fromstring(markup)
        content = root.find("body")
        if content is None:
            content = root
    else:
        content = lxml_html.fragment_fromstring(markup, create_parent="div")
    seen_title = []

    def skip_title(element) -> bool:
        if seen_title or element.tag not in ("h1", "h2"):
            return False
        seen_title.append(True)
        return element.text_content().strip() == title.strip()

    _walk(content, body, skip_title=skip_title)
    body.flush()
    return body
