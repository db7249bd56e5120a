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


def _walk(element, body: Body, *, skip_title: Callable[[object], bool]) -> None:
    for child in element:
        tag = child.tag if isinstance(child.tag, str) else ""
        if skip_title(child):
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


def html_body(markup: str, *, title: str = "") -> Body:
    """The blocks of an HTML page or fragment; a first heading equal to ``title`` is left out."""
    body = Body()
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
