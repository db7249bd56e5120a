"""A course's metadata in the formats harvesters ask for: Dublin Core (``oai_dc``) and IEEE LOM (``lom``).

Written as text with every value escaped, element by element, so a list response can be streamed.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from django.conf import settings
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from p2pu.core.links import absolute_url

from ..licensing import Licence
from ..models import CoursePage

#: prefix: (schema, namespace)
FORMATS = {
    "oai_dc": ("http://www.openarchives.org/OAI/2.0/oai_dc.xsd", "http://www.openarchives.org/OAI/2.0/oai_dc/"),
    "lom": ("http://ltsc.ieee.org/xsd/lomv1.0/lom.xsd", "http://ltsc.ieee.org/xsd/LOM"),
}


def _element(tag: str, text: str, **attributes: str) -> str:
    attrs = "".join(f" {name.replace('_', ':')}={quoteattr(value)}" for name, value in attributes.items())
    return f"<{tag}{attrs}>{escape(text)}</{tag}>"


def _licence_text(licence: Licence) -> str:
    params = {"licence": licence.label, "url": licence.url}
    if licence.attribution:
        return _("Licensed under %(licence)s: %(url)s") % params
    return _("Marked with %(licence)s: %(url)s") % params


def _description(course: CoursePage) -> str:
    return " ".join(part for part in (course.summary, strip_tags(course.description or "").strip()) if part)


def dublin_core(course: CoursePage) -> str:
    licence = Licence(course.licence)
    parts = [
        _element("dc:title", course.title),
        *[_element("dc:creator", credit.name) for credit in course.record_credits],
        *[_element("dc:subject", topic.name) for topic in course.topics.all()],
        _element("dc:description", _description(course)),
        _element("dc:publisher", settings.WAGTAIL_SITE_NAME),
        _element("dc:date", course.first_published_at.date().isoformat()) if course.first_published_at else "",
        _element("dc:type", "InteractiveResource"),
        _element("dc:type", "Course"),
        _element("dc:format", "text/html"),
        _element("dc:identifier", absolute_url(course.url or "")),
        _element("dc:language", course.language),
        _element("dc:rights", _licence_text(licence)),
        _element("dc:rights", licence.url),
    ]
    return (
        '<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://www.openarchives.org/OAI/2.0/oai_dc/ '
        'http://www.openarchives.org/OAI/2.0/oai_dc.xsd">' + "".join(parts) + "</oai_dc:dc>"
    )


def _lang_string(text: str, language: str) -> str:
    return f"<string language={quoteattr(language)}>{escape(text)}</string>"


def _vocabulary(value: str, source: str = "LOMv1.0") -> str:
    return f"<source>{escape(source)}</source><value>{escape(value)}</value>"


def _vcard(name: str) -> str:
    return escape(f"BEGIN:VCARD\nVERSION:3.0\nFN:{name}\nN:{name}\nEND:VCARD")


def lom_general(course: CoursePage, *, url: str, topics) -> str:
    language = course.language
    keywords = "".join(f"<keyword>{_lang_string(topic, language)}</keyword>" for topic in topics)
    return (
        "<general>"
        f"<identifier><catalog>URI</catalog><entry>{escape(url)}</entry></identifier>"
        f"<title>{_lang_string(course.title, language)}</title>"
        f"<language>{escape(language)}</language>"
        f"<description>{_lang_string(_description(course), language)}</description>"
        f"{keywords}"
        "</general>"
    )


def lom_life_cycle(course: CoursePage, *, credits) -> str:
    date = (
        f"<date><dateTime>{course.last_published_at.date().isoformat()}</dateTime></date>"
        if course.last_published_at
        else ""
    )
    contributions = "".join(
        f"<contribute><role>{_vocabulary('author')}</role><entity>{_vcard(name)}</entity>{date}</contribute>"
        for name in credits
    )
    return f"<lifeCycle>{contributions}</lifeCycle>"


def lom_rights(course: CoursePage) -> str:
    return (
        "<rights>"
        f"<cost>{_vocabulary('no')}</cost>"
        f"<copyrightAndOtherRestrictions>{_vocabulary('yes')}</copyrightAndOtherRestrictions>"
        f"<description>{_lang_string(_licence_text(Licence(course.licence)), 'en')}</description>"
        "</rights>"
    )


def lom(course: CoursePage) -> str:
    url = absolute_url(course.url or "")
    body = (
        lom_general(course, url=url, topics=[topic.name for topic in course.topics.all()])
        + lom_life_cycle(course, credits=[credit.name for credit in course.record_credits])
        + f"<technical><format>text/html</format><location>{escape(url)}</location></technical>"
        + f"<educational><learningResourceType>{_vocabulary('narrative text')}</learningResourceType>"
        + f"<intendedEndUserRole>{_vocabulary('learner')}</intendedEndUserRole></educational>"
        + lom_rights(course)
    )
    return (
        '<lom xmlns="http://ltsc.ieee.org/xsd/LOM" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://ltsc.ieee.org/xsd/LOM http://ltsc.ieee.org/xsd/lomv1.0/lom.xsd">'
        f"{body}</lom>"
    )


WRITERS = {"oai_dc": dublin_core, "lom": lom}
