"""Reading an upload into a plain `ImportedCourse`: Word (through mammoth), EPUB and Common Cartridge.

Headings split a Word document into modules (level 1, or level 2 when it has no level 1); an EPUB gives a
module per chapter of its reading order (front and back matter left out); a cartridge a module per folder
of its outline (or per page when it has no folders), discussion topics becoming discussion questions
and assignments activities. Licence, authors and source are taken from the file's metadata when it
states them.
"""

from __future__ import annotations

import io
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from xml.etree.ElementTree import Element

import mammoth
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from lxml import etree
from lxml import html as lxml_html

from ..licensing import Licence
from .archives import ImportRefused, open_zip, read, xml
from .html_blocks import Body, ImageReference, html_body

KINDS = {
    ".docx": gettext_lazy("Word document"),
    ".epub": "EPUB",
    ".imscc": "Common Cartridge",
    ".zip": "Common Cartridge",
}
#: Chapters an EPUB marks as front or back matter are not modules.
NOT_A_CHAPTER = re.compile(
    r'epub:type="[^"]*\b(titlepage|toc|landmarks|frontmatter|backmatter|copyright-page|cover)\b', re.IGNORECASE
)


@dataclass
class ImportedModule:
    title: str
    body: Body


@dataclass
class ImportedCourse:
    title: str
    summary: str = ""
    #: A Licence code, when the file states one we know.
    licence: str = ""
    authors: list[str] = field(default_factory=list)
    source_url: str = ""
    modules: list[ImportedModule] = field(default_factory=list)


def licence_in(text: str) -> str:
    """The licence a rights statement names (by its Creative Commons URL or its label), or ""."""
    lowered = text.lower()
    # Longest first, so "CC BY-NC-SA" is not read as "CC BY".
    for licence in sorted(Licence, key=lambda licence: -len(licence.value)):
        path = licence.url.split("creativecommons.org/", 1)[1].rstrip("/")
        if path in lowered or licence.label.lower() in lowered or licence.value.lower() in lowered:
            return licence.value
    return ""


def _local(element: Element) -> str:
    return element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""


def _find_all(element: Element, name: str) -> list[Element]:
    return [child for child in element.iter() if _local(child) == name]


def _text(element: Element | None) -> str:
    return "".join(element.itertext()).strip() if element is not None else ""


def _images_loaded(body: Body, load) -> Body:
    for _kind, value in body.blocks:
        if isinstance(value, ImageReference):
            value.data = load(value.src)
    return body


# --- Word ---------------------------------------------------------------------------------------------


def _split_at_headings(markup: str) -> list[tuple[str, str]]:
    """(heading, HTML of what follows it) for each top heading of the document."""
    root = lxml_html.fragment_fromstring(markup or "<p></p>", create_parent="div")
    level = "h1" if root.find("h1") is not None else "h2"
    sections: list[tuple[str, list]] = [("", [])]
    for child in root:
        if child.tag == level:
            sections.append((child.text_content().strip(), []))
        else:
            sections[-1][1].append(etree.tostring(child, encoding="unicode", method="html"))
    return [(title, "".join(parts)) for title, parts in sections if title or "".join(parts).strip()]


def read_docx(data: bytes, *, filename: str) -> ImportedCourse:
    archive = open_zip(data, kind=KINDS[".docx"])
    if "word/document.xml" not in archive.namelist():
        raise ImportRefused(_("This is not a Word document (.docx): it has no document body."))
    images: dict[str, bytes] = {}

    def keep_image(image):
        with image.open() as handle:
            key = f"docx-image-{len(images) + 1}"
            images[key] = handle.read()
        return {"src": key}

    try:
        converted = mammoth.convert_to_html(io.BytesIO(data), convert_image=mammoth.images.img_element(keep_image))
    except Exception as error:  # mammoth raises many kinds of error on a damaged document.
        raise ImportRefused(_("The Word document could not be read; it may be damaged.")) from error
    core = (
        xml(read(archive, "docProps/core.xml"), name="docProps/core.xml")
        if "docProps/core.xml" in (archive.namelist())
        else None
    )
    sections = _split_at_headings(converted.value)
    title = (_text(next(iter(_find_all(core, "title")), None)) if core is not None else "") or PurePosixPath(
        filename
    ).stem
    course = ImportedCourse(
        title=title,
        summary=_text(next(iter(_find_all(core, "description")), None)) if core is not None else "",
        licence=licence_in(" ".join(_text(element) for element in _find_all(core, "rights")))
        if core is not None
        else "",
        authors=[_text(element) for element in _find_all(core, "creator")] if core is not None else [],
    )
    for heading, markup in sections:
        body = _images_loaded(html_body(markup), images.get)
        course.modules.append(ImportedModule(title=heading or title, body=body))
    return course


# --- EPUB ---------------------------------------------------------------------------------------------


def read_epub(data: bytes, *, filename: str) -> ImportedCourse:
    archive = open_zip(data, kind="EPUB")
    names = set(archive.namelist())
    if "mimetype" not in names or read(archive, "mimetype").strip() != b"application/epub+zip":
        raise ImportRefused(_("This is not an EPUB: its “mimetype” file is missing or wrong."))
    container = xml(read(archive, "META-INF/container.xml"), name="META-INF/container.xml")
    rootfile = next(iter(_find_all(container, "rootfile")), None)
    if rootfile is None or not rootfile.get("full-path"):
        raise ImportRefused(_("This EPUB does not say where its package document is."))
    opf_path = rootfile.get("full-path")
    package = xml(read(archive, opf_path), name=opf_path)
    base = posixpath.dirname(opf_path)

    def metadata(name: str) -> list[str]:
        return [_text(element) for element in _find_all(package, name) if _text(element)]

    course = ImportedCourse(
        title=(metadata("title") or [PurePosixPath(filename).stem])[0],
        summary=(metadata("description") or [""])[0],
        licence=licence_in(" ".join(metadata("rights"))),
        authors=metadata("creator"),
        source_url=next((value for value in metadata("source") if value.startswith(("http://", "https://"))), ""),
    )
    items = {item.get("id"): item for item in _find_all(package, "item")}
    for itemref in _find_all(package, "itemref"):
        item = items.get(itemref.get("idref"))
        if item is None or "nav" in (item.get("properties") or "").split():
            continue
        if item.get("media-type") != "application/xhtml+xml":
            continue
        path = posixpath.normpath(posixpath.join(base, item.get("href", "")))
        page = read(archive, path).decode("utf-8", "replace")
        if NOT_A_CHAPTER.search(page):
            continue
        root = lxml_html.document_fromstring(re.sub(r"^\s*<\?xml[^>]*\?>", "", page))
        heading = root.find(".//h1")
        title = (heading.text_content().strip() if heading is not None else "") or _text(root.find(".//title"))
        body = html_body(page, title=title)
        if not body.blocks:
            continue
        folder = posixpath.dirname(path)
        course.modules.append(
            ImportedModule(
                title=title or _("Chapter %(number)s") % {"number": len(course.modules) + 1},
                body=_images_loaded(body, lambda src, folder=folder: _member(archive, folder, src)),
            )
        )
    return course


def _member(archive, folder: str, src: str) -> bytes | None:
    if src.startswith(("http://", "https://", "data:", "/")):
        return None
    name = posixpath.normpath(posixpath.join(folder, src.split("#", 1)[0]))
    return read(archive, name) if name in archive.namelist() else None


# --- Common Cartridge ---------------------------------------------------------------------------------


def _cartridge_item(archive, resources: dict, resource_id: str, title: str) -> Body:
    """What one outline item gives: a page's blocks, a discussion question or an activity."""
    resource = resources.get(resource_id)
    if resource is None:
        return Body()
    kind = resource.get("type", "")
    files = [element.get("href") for element in _find_all(resource, "file") if element.get("href")]
    href = resource.get("href") or (files[0] if files else "")
    if not href:
        return Body()
    if kind == "webcontent" and href.lower().endswith((".html", ".htm", ".xhtml")):
        page = read(archive, href).decode("utf-8", "replace")
        body = html_body(page, title=title, separate_items=True)
        folder = posixpath.dirname(href)
        return _images_loaded(body, lambda src: _member(archive, folder, src))
    if kind.startswith("imsdt"):
        topic = xml(read(archive, href), name=href)
        text = html_body(_text(next(iter(_find_all(topic, "text")), None)))
        question = _text(next(iter(_find_all(topic, "title")), None)) or title
        guidance = " ".join(lxml_html.fromstring(value).text_content() for _k, value in text.blocks if _k == "text")
        return Body(blocks=[("discussion", {"question": question[:500], "guidance": guidance.strip()[:1000]})])
    if kind.startswith("assignment"):
        assignment = xml(read(archive, href), name=href)
        # The prompt is HTML from the file: only what our rich text allows is kept.
        prompt = "".join(
            value
            for block, value in html_body(_text(next(iter(_find_all(assignment, "text")), None))).blocks
            if block == "text"
        )
        formats = [element.get("type") for element in _find_all(assignment, "format")]
        submission = {"url": "link", "file": "file"}.get(formats[0] if formats else "", "text")
        return Body(
            blocks=[
                (
                    "activity",
                    {
                        "title": (_text(next(iter(_find_all(assignment, "title")), None)) or title)[:120],
                        "prompt": prompt or "<p></p>",
                        "submission_type": submission,
                        "rubric": None,
                        "reviews_per_submission": 0,
                        "due_offset_days": 7,
                    },
                )
            ]
        )
    return Body()


def read_cartridge(data: bytes, *, filename: str) -> ImportedCourse:
    archive = open_zip(data, kind="Common Cartridge")
    if "imsmanifest.xml" not in archive.namelist():
        raise ImportRefused(_("This is not a Common Cartridge: it has no imsmanifest.xml."))
    manifest = xml(read(archive, "imsmanifest.xml"), name="imsmanifest.xml")
    general = next(iter(_find_all(manifest, "general")), None)
    rights = next(iter(_find_all(manifest, "rights")), None)
    course = ImportedCourse(
        title=_text(next(iter(_find_all(general, "title")), None)) if general is not None else "",
        summary=_text(next(iter(_find_all(general, "description")), None)) if general is not None else "",
        licence=licence_in(_text(rights)),
    )
    course.title = course.title or PurePosixPath(filename).stem
    course.authors = [
        line.split(":", 1)[1].strip()
        for entity in _find_all(manifest, "entity")
        for line in _text(entity).splitlines()
        if line.startswith("FN:")
    ]
    resources = {resource.get("identifier"): resource for resource in _find_all(manifest, "resource")}
    organization = next(iter(_find_all(manifest, "organization")), None)
    root_items = [child for child in organization if _local(child) == "item"] if organization is not None else []
    top = [child for item in root_items for child in item if _local(child) == "item"]
    folders = [item for item in top if any(_local(child) == "item" for child in item)]
    for item in folders or top:
        title = _text(next((child for child in item if _local(child) == "title"), None))
        parts = [child for child in item if _local(child) == "item"] or [item]
        body = Body()
        for part in parts:
            part_title = _text(next((child for child in part if _local(child) == "title"), None))
            item = _cartridge_item(archive, resources, part.get("identifierref", ""), part_title or title)
            body.blocks += item.blocks
            body.summary = body.summary or item.summary
            body.objectives = body.objectives or item.objectives
        course.modules.append(
            ImportedModule(title=title or _("Module %(number)s") % {"number": len(course.modules) + 1}, body=body)
        )
    return course


READERS = {".docx": read_docx, ".epub": read_epub, ".imscc": read_cartridge, ".zip": read_cartridge}


def read_upload(filename: str, data: bytes) -> ImportedCourse:
    suffix = PurePosixPath(filename.lower()).suffix
    reader = READERS.get(suffix)
    if reader is None:
        raise ImportRefused(_("Choose a Word document (.docx), an EPUB (.epub) or a Common Cartridge (.imscc)."))
    course = reader(data, filename=filename)
    if not course.modules:
        raise ImportRefused(_("The %(kind)s has no content that could become a module.") % {"kind": KINDS[suffix]})
    return course
