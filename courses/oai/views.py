"""The OAI-PMH endpoint. Arguments are checked and the page of records read before the response
starts, so every protocol error is a complete error response; the records are then written out as a
stream (StreamingHttpResponse), a few at a time."""

from __future__ import annotations

from collections.abc import Iterator
from xml.sax.saxutils import escape, quoteattr

from django.conf import settings
from django.db.models import Min
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from p2pu.core.links import absolute_reverse

from ..models import CoursePage, WithdrawnCourse
from . import records
from .metadata import FORMATS, WRITERS
from .protocol import GRANULARITY, OAIError, datestamp, list_query, verb_arguments

CONTENT_TYPE = "text/xml; charset=utf-8"


def _open(verb: str | None, arguments: dict[str, str]) -> str:
    # After badVerb or badArgument the request element carries no attributes (OAI-PMH 3.2).
    attributes = (
        ""
        if verb is None
        else f" verb={quoteattr(verb)}"
        + "".join(f" {name}={quoteattr(value)}" for name, value in sorted(arguments.items()))
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://www.openarchives.org/OAI/2.0/ http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd">'
        f"<responseDate>{datestamp(timezone.now())}</responseDate>"
        f"<request{attributes}>{escape(absolute_reverse('oai'))}</request>"
    )


def _header(record) -> str:
    if isinstance(record, WithdrawnCourse):
        return (
            f'<header status="deleted"><identifier>{records.identifier(record.page_id)}</identifier>'
            f"<datestamp>{datestamp(record.withdrawn_at)}</datestamp>"
            + "".join(
                f"<setSpec>{escape(spec)}</setSpec>" for spec in records.set_specs_of(record.licence, record.language)
            )
            + "</header>"
        )
    return (
        f"<header><identifier>{records.identifier(record.pk)}</identifier>"
        f"<datestamp>{datestamp(record.last_published_at)}</datestamp>"
        + "".join(
            f"<setSpec>{escape(spec)}</setSpec>" for spec in records.set_specs_of(record.licence, record.language)
        )
        + "</header>"
    )


def _record(record, prefix: str) -> str:
    if isinstance(record, WithdrawnCourse):
        return f"<record>{_header(record)}</record>"
    return f"<record>{_header(record)}<metadata>{WRITERS[prefix](record)}</metadata></record>"


def _checked_prefix(prefix: str) -> str:
    if prefix not in FORMATS:
        raise OAIError(
            "cannotDisseminateFormat",
            _("This repository does not offer “%(prefix)s”; use oai_dc or lom.") % {"prefix": prefix},
        )
    return prefix


def _found(identifier: str):
    course_id = records.course_id_of(identifier)
    record = records.course_record(course_id) if course_id is not None else None
    if record is None:
        raise OAIError("idDoesNotExist", _("There is no record “%(identifier)s”.") % {"identifier": identifier})
    return record


def identify(arguments) -> Iterator[str]:
    earliest = min(
        [
            moment
            for moment in (
                CoursePage.objects.aggregate(first=Min("first_published_at"))["first"],
                WithdrawnCourse.objects.aggregate(first=Min("withdrawn_at"))["first"],
            )
            if moment
        ]
        or [timezone.now()]
    )
    yield (
        "<Identify>"
        f"<repositoryName>{escape(settings.WAGTAIL_SITE_NAME)}</repositoryName>"
        f"<baseURL>{escape(absolute_reverse('oai'))}</baseURL>"
        "<protocolVersion>2.0</protocolVersion>"
        f"<adminEmail>{escape(settings.OAI_PMH_ADMIN_EMAIL)}</adminEmail>"
        f"<earliestDatestamp>{datestamp(earliest)}</earliestDatestamp>"
        # Unpublished and deleted courses are reported, but a course hidden behind a login is not.
        "<deletedRecord>transient</deletedRecord>"
        f"<granularity>{GRANULARITY}</granularity>"
        "</Identify>"
    )


def list_metadata_formats(arguments) -> Iterator[str]:
    if "identifier" in arguments:
        _found(arguments["identifier"])
    yield "<ListMetadataFormats>"
    for prefix, (schema, namespace) in FORMATS.items():
        yield (
            f"<metadataFormat><metadataPrefix>{prefix}</metadataPrefix><schema>{schema}</schema>"
            f"<metadataNamespace>{namespace}</metadataNamespace></metadataFormat>"
        )
    yield "</ListMetadataFormats>"


def list_sets(arguments) -> Iterator[str]:
    if "resumptionToken" in arguments:
        raise OAIError("badResumptionToken", _("The list of sets is complete in one response."))
    yield "<ListSets>"
    for spec, name in records.sets():
        yield f"<set><setSpec>{escape(spec)}</setSpec><setName>{escape(name)}</setName></set>"
    yield "</ListSets>"


def get_record(arguments) -> Iterator[str]:
    prefix = _checked_prefix(arguments["metadataPrefix"])
    record = _found(arguments["identifier"])
    yield f"<GetRecord>{_record(record, prefix)}</GetRecord>"


def _list(arguments, *, element: str, write) -> Iterator[str]:
    query = list_query(arguments)
    _checked_prefix(query.metadata_prefix)
    page = records.list_page(query)

    def stream():
        yield f"<{element}>"
        for record in page.records:
            yield write(record, query.metadata_prefix)
        if page.next_after or query.after:
            token = (
                query.token(after=page.next_after, cursor=query.cursor + len(page.records)) if page.next_after else ""
            )
            yield (
                f'<resumptionToken completeListSize="{page.complete_size}" cursor="{query.cursor}">'
                f"{escape(token)}</resumptionToken>"
            )
        yield f"</{element}>"

    return stream()


def list_identifiers(arguments) -> Iterator[str]:
    return _list(arguments, element="ListIdentifiers", write=lambda record, _prefix: _header(record))


def list_records(arguments) -> Iterator[str]:
    return _list(arguments, element="ListRecords", write=_record)


VERBS = {
    "Identify": identify,
    "ListMetadataFormats": list_metadata_formats,
    "ListSets": list_sets,
    "GetRecord": get_record,
    "ListIdentifiers": list_identifiers,
    "ListRecords": list_records,
}


def _eager(chunks: Iterator[str]) -> Iterator[str]:
    """Run a verb up to its first chunk, so its errors surface before the response starts."""
    first = next(chunks)

    def all_chunks():
        yield first
        yield from chunks

    return all_chunks()


@csrf_exempt
@require_http_methods(["GET", "POST"])
def endpoint(request):
    given = request.POST if request.method == "POST" else request.GET
    arguments = {name: given.getlist(name) for name in given}
    verb, values = None, {}
    try:
        verb, values = verb_arguments(arguments)
        body = _eager(VERBS[verb](values))
    except OAIError as error:
        shown_verb = None if error.code in ("badVerb", "badArgument") else verb
        content = (
            f"{_open(shown_verb, values)}<error code={quoteattr(error.code)}>{escape(error.message)}</error></OAI-PMH>"
        )
        return HttpResponse(content, content_type=CONTENT_TYPE)

    def stream():
        yield _open(verb, values).encode()
        for chunk in body:
            yield chunk.encode()
        yield b"</OAI-PMH>"

    return StreamingHttpResponse(stream(), content_type=CONTENT_TYPE)
