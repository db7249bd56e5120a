"""Opening uploaded archives safely: a zip that is what it claims, not a zip bomb, with no path
tricks, and XML files parsed without DTDs or entities (defusedxml)."""

from __future__ import annotations

import io
import zipfile
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as safe_xml
from defusedxml import DefusedXmlException
from django.conf import settings
from django.utils.translation import gettext as _

XML_SUFFIXES = (".xml", ".xhtml", ".opf", ".rels", ".ncx", ".html", ".htm")


class ImportRefused(Exception):
    """The file cannot be imported; the message says why, for the person who uploaded it."""


def open_zip(data: bytes, *, kind: str) -> zipfile.ZipFile:
    """The archive, checked: a readable zip, not too many files, not too large once unpacked, no file
    that unpacks to far more than it takes, no absolute or parent paths, and every XML file safe."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise ImportRefused(
            _("This is not a valid %(kind)s file: it is not a readable zip archive.") % {"kind": kind}
        ) from error
    if len(members) > settings.IMPORT_MAX_FILES:
        raise ImportRefused(
            _("The %(kind)s holds more than %(count)s files.") % {"kind": kind, "count": settings.IMPORT_MAX_FILES}
        )
    total = sum(member.file_size for member in members)
    if total > settings.IMPORT_MAX_UNPACKED_BYTES:
        raise ImportRefused(
            _("The %(kind)s unpacks to more than %(megabytes)s MB, which is too large.")
            % {"kind": kind, "megabytes": settings.IMPORT_MAX_UNPACKED_BYTES // 2**20}
        )
    for member in members:
        if member.file_size > settings.IMPORT_MAX_COMPRESSION_RATIO * max(member.compress_size, 1) and (
            member.file_size > 2**20
        ):
            raise ImportRefused(
                _("The %(kind)s looks like a zip bomb: “%(name)s” unpacks to far more than it takes.")
                % {"kind": kind, "name": member.filename}
            )
        name = member.filename
        if name.startswith(("/", "\\")) or ".." in name.replace("\\", "/").split("/"):
            raise ImportRefused(
                _("The %(kind)s has a file with an unsafe path: “%(name)s”.") % {"kind": kind, "name": name}
            )
    for member in members:
        if member.filename.lower().endswith(XML_SUFFIXES):
            xml(read(archive, member.filename), name=member.filename)
    return archive


def read(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        return archive.read(name)
    except KeyError as error:
        raise ImportRefused(_("The file refers to “%(name)s”, which is missing from it.") % {"name": name}) from error
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise ImportRefused(_("“%(name)s” inside the file is damaged.") % {"name": name}) from error


def xml(data: bytes, *, name: str) -> Element:
    """Parse XML without DTDs, entities or external references."""
    try:
        return safe_xml.fromstring(data, forbid_dtd=False)
    except DefusedXmlException as error:
        raise ImportRefused(_("“%(name)s” declares XML entities, which are not accepted.") % {"name": name}) from error
    except ParseError as error:
        if name.lower().endswith((".html", ".htm")):
            # HTML pages need not be XML; they are read by the HTML parser later.
            return Element("html")
        raise ImportRefused(_("“%(name)s” is not well-formed XML.") % {"name": name}) from error
