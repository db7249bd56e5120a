"""The download formats: how each turns a course version into a file, and what the file is called."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils import translation

from ..models import ExportFormat
from . import cartridge, epub, pdf
from .book import Book, Progress, book_build
from .editions import Edition


@dataclass(frozen=True)
class Builder:
    extension: str
    media_type: str
    render: Callable[[Book], bytes]

    def build(self, edition: Edition, *, progress: Progress | None = None) -> bytes:
        # One file serves every reader, and its text is in the course's language: its headings too.
        with translation.override(edition.course.language):
            return self.render(book_build(edition, progress=progress))

    def filename(self, edition: Edition) -> str:
        return f"{edition.course.slug}.{self.extension}"


BUILDERS: dict[ExportFormat, Builder] = {
    ExportFormat.EPUB: Builder("epub", epub.MEDIA_TYPE, epub.epub_bytes),
    ExportFormat.PDF: Builder("pdf", pdf.MEDIA_TYPE, pdf.pdf_bytes),
    ExportFormat.CARTRIDGE: Builder("imscc", cartridge.MEDIA_TYPE, cartridge.cartridge_bytes),
}


def unavailable_reason(export_format: ExportFormat) -> str:
    """Why this server cannot build the format (a missing system library), or an empty string."""
    return pdf.UNAVAILABLE if export_format == ExportFormat.PDF else ""
