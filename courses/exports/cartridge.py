"""IMS Common Cartridge 1.3, "thick": the content itself travels, not links back to the site.

``imsmanifest.xml`` carries the course's LOM metadata (title, description, language, licence as
rights) and the outline: an "About this course" page, then each module as a folder holding the
module's web page, its discussion questions as discussion topics and its activities as assignments
(with their rubrics), then the "Sources and attribution" page. Images are files the pages depend on.
"""

from __future__ import annotations

import io
import re
import zipfile
from xml.sax.saxutils import escape

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from lxml import etree

from ..oai.metadata import lom_general, lom_life_cycle, lom_rights
from .book import Book, Chapter

MEDIA_TYPE = "application/vnd.ims.imsccv1p3"

CP = "http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1"
LOM_MANIFEST = "http://ltsc.ieee.org/xsd/imsccv1p3/LOM/manifest"
DISCUSSION = "http://www.imsglobal.org/xsd/imsccv1p3/imsdt_v1p3"
ASSIGNMENT = "http://www.imsglobal.org/xsd/imscc_extensions/assignment"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA_LOCATIONS = (
    f"{CP} http://www.imsglobal.org/profile/cc/ccv1p3/ccv1p3_imscp_v1p2_v1p0.xsd "
    f"{LOM_MANIFEST} http://www.imsglobal.org/profile/cc/ccv1p3/LOM/ccv1p3_lommanifest_v1p0.xsd"
)

WEB = "web_resources"
#: Links between chapters as the book has them ("module-12.xhtml#…") point at the cartridge's pages.
_CHAPTER_LINK = re.compile(r'href="([a-z]+(?:-\d+)?)\.xhtml')


def _cp(tag: str) -> str:
    return f"{{{CP}}}{tag}"


def _page(book: Book, chapter: Chapter, stylesheet: str) -> str:
    body = _CHAPTER_LINK.sub(r'href="\1.html', chapter.body)
    return render_to_string(
        "courses/exports/cartridge/page.html", {"book": book, "chapter": chapter, "body": body, "css": stylesheet}
    )


def _discussion(discussion: dict) -> str:
    text = f"<p>{escape(discussion['question'])}</p>"
    if discussion["guidance"]:
        text += f"<p><em>{escape(discussion['guidance'])}</em></p>"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<topic xmlns="{DISCUSSION}">'
        f"<title>{escape(discussion['question'][:250])}</title>"
        f'<text texttype="text/html">{escape(text)}</text>'
        "</topic>"
    )


#: Our submission types as Common Cartridge assignment submission formats.
SUBMISSION_FORMATS = {"text": "text", "link": "url", "file": "file"}


def _assignment(activity: dict, identifier: str) -> str:
    rubric_html = (
        render_to_string(
            "courses/exports/rubric.html", {"rubric": activity["rubric"], "criteria": activity["criteria"]}
        )
        if activity["rubric"]
        else ""
    )
    points = sum(criterion["max_score"] for criterion in activity["criteria"])
    gradable = f'<gradable points_possible="{points}">true</gradable>' if points else "<gradable>false</gradable>"
    submission = SUBMISSION_FORMATS.get(activity["submission_type"], "text")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<assignment xmlns="{ASSIGNMENT}" identifier="{identifier}">'
        f"<title>{escape(activity['title'])}</title>"
        f'<text texttype="text/html">{escape(activity["prompt"] + rubric_html)}</text>'
        f"{gradable}"
        f'<submission_formats><format type="{submission}"/></submission_formats>'
        "</assignment>"
    )


class _Manifest:
    def __init__(self, book: Book):
        self.book = book
        self.root = etree.Element(_cp("manifest"), nsmap={None: CP, "lomimscc": LOM_MANIFEST, "xsi": XSI})
        self.root.set("identifier", f"M_{book.edition.version_key[:16]}")
        self.root.set(f"{{{XSI}}}schemaLocation", SCHEMA_LOCATIONS)
        self._metadata()
        organizations = etree.SubElement(self.root, _cp("organizations"))
        organization = etree.SubElement(organizations, _cp("organization"), identifier="O_1")
        organization.set("structure", "rooted-hierarchy")
        self.outline = etree.SubElement(organization, _cp("item"), identifier="I_root")
        self.resources = etree.SubElement(self.root, _cp("resources"))

    def _metadata(self) -> None:
        course = self.book.edition.course
        metadata = etree.SubElement(self.root, _cp("metadata"))
        etree.SubElement(metadata, _cp("schema")).text = "IMS Common Cartridge"
        etree.SubElement(metadata, _cp("schemaversion")).text = "1.3.0"
        lom = (
            f'<lom xmlns="{LOM_MANIFEST}">'
            + lom_general(course, url=self.book.edition.url, topics=[topic.name for topic in course.topics.all()])
            + lom_life_cycle(course, credits=[credit.name for credit in self.book.edition.credits])
            + lom_rights(course)
            + "</lom>"
        )
        metadata.append(etree.fromstring(lom))

    def item(self, parent, identifier: str, title: str, resource: str | None = None):
        item = etree.SubElement(parent, _cp("item"), identifier=identifier)
        if resource:
            item.set("identifierref", resource)
        etree.SubElement(item, _cp("title")).text = title
        return item

    def resource(self, identifier: str, kind: str, files: list[str], *, href: str | None = None, depends=()):
        resource = etree.SubElement(self.resources, _cp("resource"), identifier=identifier, type=kind)
        if href:
            resource.set("href", href)
        for name in files:
            etree.SubElement(resource, _cp("file"), href=name)
        for dependency in depends:
            etree.SubElement(resource, _cp("dependency"), identifierref=dependency)
        return resource

    def xml(self) -> bytes:
        return etree.tostring(self.root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _picture_resource(name: str) -> str:
    return "R_" + name.rsplit("/", 1)[-1].replace(".", "_")


def cartridge_bytes(book: Book) -> bytes:
    manifest = _Manifest(book)
    stylesheet = render_to_string("courses/exports/book.css")
    files: dict[str, str | bytes] = {f"{WEB}/book.css": stylesheet}
    manifest.resource("R_style", "webcontent", [f"{WEB}/book.css"])
    for picture in book.pictures.values():
        files[f"{WEB}/{picture.name}"] = picture.data
        manifest.resource(_picture_resource(picture.name), "webcontent", [f"{WEB}/{picture.name}"])

    for chapter in book.chapters:
        page = f"{WEB}/{chapter.filename.replace('.xhtml', '.html')}"
        files[page] = _page(book, chapter, "book.css")
        pictures = [_picture_resource(name) for name in book.pictures if f'src="{name}"' in chapter.body]
        resource = f"R_{chapter.key.replace('-', '_')}"
        manifest.resource(resource, "webcontent", [page], href=page, depends=["R_style", *pictures])
        if chapter.module is None:
            title = _("About this course") if chapter.key == "title" else chapter.title
            manifest.item(manifest.outline, f"I_{chapter.key.replace('-', '_')}", title, resource)
            continue
        folder = manifest.item(manifest.outline, f"I_{chapter.key.replace('-', '_')}", chapter.title)
        manifest.item(folder, f"I_{chapter.key.replace('-', '_')}_page", chapter.title, resource)
        for discussion in chapter.discussions:
            key = f"discussion_{chapter.module.pk}_{discussion['id'].replace('-', '')}"
            path = f"discussions/{key}.xml"
            files[path] = _discussion(discussion)
            manifest.resource(f"R_{key}", "imsdt_xmlv1p3", [path])
            manifest.item(
                folder, f"I_{key}", _("Discuss: %(question)s") % {"question": discussion["question"][:200]}, f"R_{key}"
            )
        for activity in chapter.activities:
            key = f"assignment_{chapter.module.pk}_{activity['id'].replace('-', '')}"
            path = f"{key}/assignment.xml"
            files[path] = _assignment(activity, key)
            manifest.resource(f"R_{key}", "assignment_xmlv1p0", [path], href=path)
            manifest.item(folder, f"I_{key}", _("Activity: %(title)s") % {"title": activity["title"]}, f"R_{key}")

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as cartridge:
        cartridge.writestr("imsmanifest.xml", manifest.xml())
        for name, content in files.items():
            cartridge.writestr(name, content)
    return buffer.getvalue()
