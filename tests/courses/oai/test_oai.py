"""OAI-PMH 2.0 at /oai/: a real harvester (Sickle) gets every public course across several resumption
tokens, deleted records for withdrawn courses, both metadata formats and the sets; every protocol error
comes back as the protocol defines; drafts and private courses are never records."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from lxml import etree
from sickle import Sickle
from wagtail.models import PageViewRestriction

from courses.oai import records
from tests.courses.factories import CourseCreditFactory, CoursePageFactory

pytestmark = pytest.mark.django_db

OAI = "{http://www.openarchives.org/OAI/2.0/}"


class CountingSickle(Sickle):
    """Sickle that counts the requests a harvest takes (one per resumption token, plus the first)."""

    requests = 0

    def harvest(self, **kwargs):
        self.requests += 1
        return super().harvest(**kwargs)


def catalog(count: int, **fields):
    courses = [CoursePageFactory(topics=["Maps"], **fields) for _ in range(count)]
    for course in courses:
        CourseCreditFactory(course=course)
    return courses


@pytest.fixture
def small_pages(settings):
    settings.OAI_PMH_PAGE_SIZE = 2


def test_a_harvester_gets_every_public_course_across_resumption_tokens_and_withdrawn_ones_as_deleted(
    site_tree, live_server, small_pages
):
    public = catalog(4) + catalog(1, licence="CC-BY-NC-4.0", language="es", title="Mapas")
    CoursePageFactory(publish=False, title="Draft course")
    private = CoursePageFactory(title="Private course")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    withdrawn = CoursePageFactory(title="Withdrawn course")
    withdrawn.unpublish()

    harvester = CountingSickle(f"{live_server.url}/oai/", max_retries=0)
    harvested = list(harvester.ListRecords(metadataPrefix="oai_dc", ignore_deleted=False))
    assert harvester.requests == 3  # six records, two per response
    live = [record for record in harvested if not record.deleted]
    deleted = [record for record in harvested if record.deleted]
    assert sorted(record.metadata["title"][0] for record in live) == sorted(course.title for course in public)
    assert [record.header.identifier for record in deleted] == [records.identifier(withdrawn.pk)]
    mapas = next(record for record in live if record.metadata["title"] == ["Mapas"])
    assert (
        mapas.metadata["language"] == ["es"]
        and "https://creativecommons.org/licenses/by-nc/4.0/" in (mapas.metadata["rights"])
    )
    assert "licence:CC-BY-NC-4.0" in mapas.header.setSpecs and mapas.metadata["subject"] == ["Maps"]
    assert mapas.metadata["creator"] == [public[-1].credits.get().name]

    in_spanish = list(harvester.ListIdentifiers(metadataPrefix="lom", set="language:es", ignore_deleted=False))
    assert [header.identifier for header in in_spanish] == [records.identifier(public[-1].pk)]

    record = harvester.GetRecord(identifier=records.identifier(public[0].pk), metadataPrefix="lom")
    lom = etree.fromstring(record.raw.encode())
    titles = lom.findall(".//{http://ltsc.ieee.org/xsd/LOM}general/{http://ltsc.ieee.org/xsd/LOM}title/*")
    assert [title.text for title in titles] == [public[0].title]
    assert lom.find(".//{http://ltsc.ieee.org/xsd/LOM}rights") is not None

    identify = harvester.Identify()
    assert identify.protocolVersion == "2.0" and identify.deletedRecord == "transient"
    assert {fmt.metadataPrefix for fmt in harvester.ListMetadataFormats()} == {"oai_dc", "lom"}
    assert {"licence:CC-BY-SA-4.0", "language:es"} <= {oai_set.setSpec for oai_set in harvester.ListSets()}


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def oai_error(client, **arguments) -> tuple[str, dict]:
    root = etree.fromstring(body(client.get("/oai/", arguments)))
    error = root.find(f"{OAI}error")
    return (error.get("code") if error is not None else ""), dict(root.find(f"{OAI}request").attrib)


def test_protocol_errors_are_answered_as_the_protocol_defines(site_tree, client):
    course = catalog(1)[0]
    identifier = records.identifier(course.pk)
    assert oai_error(client) == ("badVerb", {})
    assert oai_error(client, verb="Harvest") == ("badVerb", {})
    assert oai_error(client, verb="ListRecords") == ("badArgument", {})
    assert oai_error(client, verb="ListRecords", metadataPrefix="oai_dc", colour="red")[0] == "badArgument"
    assert oai_error(client, verb="GetRecord", identifier=identifier)[0] == "badArgument"
    assert oai_error(client, verb="ListRecords", metadataPrefix="oai_dc", **{"from": "2026-13-01"})[0] == "badArgument"
    assert (
        oai_error(client, verb="ListRecords", metadataPrefix="oai_dc", until="2020-01-01", **{"from": "2021-01-01"})[0]
        == "badArgument"
    )
    mixed = {"from": "2020-01-01", "until": "2021-01-01T00:00:00Z"}
    assert oai_error(client, verb="ListRecords", metadataPrefix="oai_dc", **mixed)[0] == "badArgument"
    assert oai_error(client, verb="ListRecords", metadataPrefix="oai_dc", resumptionToken="x")[0] == "badArgument"
    assert body(client.get("/oai/?verb=ListRecords&verb=Identify")).count(b'code="badVerb"') == 1

    assert oai_error(client, verb="GetRecord", identifier=identifier, metadataPrefix="marc") == (
        "cannotDisseminateFormat",
        {"verb": "GetRecord", "identifier": identifier, "metadataPrefix": "marc"},
    )
    assert oai_error(client, verb="ListRecords", metadataPrefix="marc")[0] == "cannotDisseminateFormat"
    assert oai_error(client, verb="GetRecord", identifier="oai:elsewhere:course/1", metadataPrefix="oai_dc")[0] == (
        "idDoesNotExist"
    )
    assert oai_error(client, verb="ListMetadataFormats", identifier="oai:x:y")[0] == "idDoesNotExist"
    assert oai_error(client, verb="ListRecords", metadataPrefix="oai_dc", set="licence:CC-BY-ND-4.0")[0] == (
        "noRecordsMatch"
    )
    assert oai_error(client, verb="ListIdentifiers", metadataPrefix="oai_dc", **{"from": "2999-01-01"})[0] == (
        "noRecordsMatch"
    )
    assert oai_error(client, verb="ListRecords", resumptionToken="forged")[0] == "badResumptionToken"
    assert oai_error(client, verb="ListRecords", metadataPrefix="oai_dc")[0] == ""


def test_drafts_and_private_courses_are_never_records(site_tree, client):
    draft = CoursePageFactory(publish=False)
    private = CoursePageFactory()
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    for course in (draft, private):
        code, _ = oai_error(client, verb="GetRecord", identifier=records.identifier(course.pk), metadataPrefix="lom")
        assert code == "idDoesNotExist"
    assert oai_error(client, verb="ListIdentifiers", metadataPrefix="oai_dc")[0] == "noRecordsMatch"


def test_unpublishing_deleting_and_republishing_keep_the_deleted_records_right(site_tree, client):
    kept, unpublished, deleted = catalog(3)
    unpublished.unpublish()
    deleted_id = deleted.pk
    deleted.delete()

    def headers():
        root = etree.fromstring(body(client.get("/oai/", {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"})))
        return {header.findtext(f"{OAI}identifier"): header.get("status") for header in root.iter(f"{OAI}header")}

    assert headers() == {
        records.identifier(kept.pk): None,
        records.identifier(unpublished.pk): "deleted",
        records.identifier(deleted_id): "deleted",
    }
    unpublished.get_latest_revision().publish()
    assert headers()[records.identifier(unpublished.pk)] is None


def test_lists_are_streamed_in_a_number_of_queries_that_does_not_grow_with_the_page(site_tree, client, settings):
    settings.OAI_PMH_PAGE_SIZE = 50

    def queries(count) -> int:
        catalog(count)
        # The first request fills caches (the site's root paths) that every later one shares.
        body(client.get("/oai/", {"verb": "ListRecords", "metadataPrefix": "lom"}))
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/oai/", {"verb": "ListRecords", "metadataPrefix": "lom"})
            assert response.streaming
            body(response)
        return len(captured)

    assert queries(2) == queries(8)
