"""EPUB 3 from a book: a zip with the ``mimetype`` file first and stored, the package document, the
navigation document (the course outline), one XHTML file per chapter, the stylesheet and the images."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from django.conf import settings
from django.template.loader import render_to_string

from .book import Book

MEDIA_TYPE = "application/epub+zip"


def _chapter_type(key: str) -> str:
    if key == "title":
        return "titlepage"
    if key == "attribution":
        return "backmatter"
    return "chapter"


def epub_bytes(book: Book) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as epub:
        epub.writestr(zipfile.ZipInfo("mimetype"), MEDIA_TYPE, compress_type=zipfile.ZIP_STORED)

        def add(name: str, content: str | bytes) -> None:
            epub.writestr(name, content, compress_type=zipfile.ZIP_DEFLATED)

        add("META-INF/container.xml", render_to_string("courses/exports/epub/container.xml"))
        context = {
            "book": book,
            "pictures": list(book.pictures.values()),
            "site_name": settings.WAGTAIL_SITE_NAME,
            "modified": book.modified.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }
        add("OEBPS/content.opf", render_to_string("courses/exports/epub/content.opf", context))
        add("OEBPS/nav.xhtml", render_to_string("courses/exports/epub/nav.xhtml", context))
        add("OEBPS/style.css", render_to_string("courses/exports/book.css"))
        for chapter in book.chapters:
            page = render_to_string(
                "courses/exports/epub/page.xhtml",
                {"book": book, "chapter": chapter, "epub_type": _chapter_type(chapter.key)},
            )
            add(f"OEBPS/{chapter.filename}", page)
        for picture in book.pictures.values():
            epub.writestr(f"OEBPS/{picture.name}", picture.data, compress_type=zipfile.ZIP_STORED)
    return buffer.getvalue()
