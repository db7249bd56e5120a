"""PDF from a book, through WeasyPrint: the same chapters as the EPUB, laid out by print CSS with page
numbers, a table of contents with page numbers, working links and bookmarks.

WeasyPrint needs Pango (a system library). Where it cannot be loaded, `UNAVAILABLE` says so and the
download page tells the reader plainly instead of failing.
"""

from __future__ import annotations

import base64
import re

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .book import Book

try:
    import weasyprint
except (ImportError, OSError) as error:  # OSError: WeasyPrint is installed but Pango is missing.
    weasyprint = None
    UNAVAILABLE = format_lazy(
        _("PDF is unavailable on this server: the PDF renderer could not start ({error})."),
        error=error.__class__.__name__,
    )
else:
    UNAVAILABLE = ""

MEDIA_TYPE = "application/pdf"

#: Links between chapters, as the EPUB has them ("module-12.xhtml#h-…"), become links inside the one document.
_CHAPTER_LINK = re.compile(r'href="([a-z]+(?:-\d+)?)\.xhtml(#[^"]*)?"')


def _in_document(match: re.Match) -> str:
    return f'href="{match.group(2) or "#" + match.group(1)}"'


def html_document(book: Book) -> str:
    """The whole book as one HTML document; images are carried inline, so nothing is fetched."""
    chapters = []
    for chapter in book.chapters:
        body = _CHAPTER_LINK.sub(_in_document, chapter.body)
        for picture in book.pictures.values():
            data = base64.b64encode(picture.data).decode()
            body = body.replace(f'src="{picture.name}"', f'src="data:{picture.media_type};base64,{data}"')
        chapters.append({"key": chapter.key, "title": chapter.title, "headings": chapter.headings, "body": body})
    stylesheet = render_to_string("courses/exports/book.css") + render_to_string("courses/exports/pdf/print.css")
    return render_to_string(
        "courses/exports/pdf/book.html",
        {"book": book, "chapters": chapters, "stylesheet": stylesheet, "site_name": settings.WAGTAIL_SITE_NAME},
    )


def pdf_bytes(book: Book) -> bytes:
    return weasyprint.HTML(string=html_document(book), base_url=settings.SITE_URL).write_pdf()
