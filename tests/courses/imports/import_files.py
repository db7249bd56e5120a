"""Small files to import, made in the test: a Word document, and broken or hostile archives."""

import io
import zipfile

from PIL import Image

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
PACKAGE = "http://schemas.openxmlformats.org/package/2006"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML = '<?xml version="1.0" encoding="UTF-8"?>'


def _paragraph(text: str, style: str = "") -> str:
    properties = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f'<w:p>{properties}<w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


def docx(paragraphs: list[tuple[str, str]], *, title: str = "", rights: str = "") -> bytes:
    """A minimal Word document: (style, text) paragraphs, styles "Heading1"/"Heading2" or "" for body text."""
    body = "".join(_paragraph(text, style) for style, text in paragraphs)
    styles = "".join(
        f'<w:style w:type="paragraph" w:styleId="Heading{level}"><w:name w:val="heading {level}"/></w:style>'
        for level in (1, 2)
    )
    files = {
        "[Content_Types].xml": (
            f'{XML}<Types xmlns="{PACKAGE}/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            f'{XML}<Relationships xmlns="{PACKAGE}/relationships">'
            f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/officeDocument" Target="word/document.xml"/>'
            "</Relationships>"
        ),
        "word/document.xml": f'{XML}<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>',
        "word/styles.xml": f'{XML}<w:styles xmlns:w="{W}">{styles}</w:styles>',
        "word/_rels/document.xml.rels": (
            f'{XML}<Relationships xmlns="{PACKAGE}/relationships">'
            f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/styles" Target="styles.xml"/></Relationships>'
        ),
        "docProps/core.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><cp:coreProperties '
            'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f"<dc:title>{title}</dc:title><dc:creator>Ana Lima</dc:creator><dc:rights>{rights}</dc:rights>"
            "</cp:coreProperties>"
        ),
    }
    return zipped(files)


def zipped(files: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (width, height)).save(buffer, format="PNG")
    return buffer.getvalue()


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><manifest>&lol2;</manifest>'
)


def cartridge_with_page(page_html: str, *, image: bytes | None = None) -> bytes:
    """A one-page cartridge (no folders: the page is the module)."""
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest xmlns="http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1" identifier="M1">'
        "<metadata><schema>IMS Common Cartridge</schema><schemaversion>1.3.0</schemaversion></metadata>"
        '<organizations><organization identifier="O1" structure="rooted-hierarchy"><item identifier="root">'
        '<item identifier="I1" identifierref="R1"><title>Only page</title></item>'
        "</item></organization></organizations>"
        '<resources><resource identifier="R1" type="webcontent" href="page.html"><file href="page.html"/></resource>'
        "</resources></manifest>"
    )
    files = {"imsmanifest.xml": manifest, "page.html": page_html}
    if image is not None:
        files["big.png"] = image
    return zipped(files)
