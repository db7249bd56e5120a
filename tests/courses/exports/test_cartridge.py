"""Common Cartridge 1.3 export: every element the specification requires, LOM metadata with the licence
as rights, modules as web content, discussion questions as discussion topics, activities as assignments
with their rubrics, images as files, the attribution page; nothing unpublished or private."""

import zipfile
from io import BytesIO

import pytest
from lxml import etree

from courses.exports.cartridge import ASSIGNMENT, CP, DISCUSSION, LOM_MANIFEST
from tests.courses.exports.export_setup import DRAFT_MODULE, PRIVATE_MODULE, RICH_MODULE, exported_course
from tests.courses.exports.test_epub import download

pytestmark = pytest.mark.django_db

NS = {"cp": CP, "lom": LOM_MANIFEST, "dt": DISCUSSION, "as": ASSIGNMENT}


def test_the_cartridge_has_every_required_element_and_the_course_as_lms_items(
    site_tree, client, django_capture_on_commit_callbacks
):
    course = exported_course()
    data = download(client, course, django_capture_on_commit_callbacks, fmt="cc")
    cartridge = zipfile.ZipFile(BytesIO(data))
    names = set(cartridge.namelist())
    manifest = etree.fromstring(cartridge.read("imsmanifest.xml"))

    assert manifest.tag == f"{{{CP}}}manifest" and manifest.get("identifier")
    assert manifest.findtext("cp:metadata/cp:schema", namespaces=NS) == "IMS Common Cartridge"
    assert manifest.findtext("cp:metadata/cp:schemaversion", namespaces=NS) == "1.3.0"
    lom = manifest.find("cp:metadata/lom:lom", NS)
    assert lom.findtext("lom:general/lom:title/lom:string", namespaces=NS) == course.title
    assert lom.findtext("lom:general/lom:language", namespaces=NS) == "en"
    assert course.summary in lom.findtext("lom:general/lom:description/lom:string", namespaces=NS)
    rights = lom.findtext("lom:rights/lom:description/lom:string", namespaces=NS)
    assert "CC BY-NC-SA 4.0" in rights and "https://creativecommons.org/licenses/by-nc-sa/4.0/" in rights
    assert lom.findtext("lom:rights/lom:copyrightAndOtherRestrictions/lom:value", namespaces=NS) == "yes"

    organization = manifest.find("cp:organizations/cp:organization", NS)
    assert organization.get("structure") == "rooted-hierarchy"
    root_items = organization.findall("cp:item", NS)
    assert len(root_items) == 1  # a rooted hierarchy has one root item, holding the outline
    outline = [item.findtext("cp:title", namespaces=NS) for item in root_items[0].findall("cp:item", NS)]
    assert outline == ["About this course", *[module.title for module in course.modules()], "Sources and attribution"]
    assert DRAFT_MODULE not in outline and PRIVATE_MODULE not in outline

    resources = {resource.get("identifier"): resource for resource in manifest.iterfind("cp:resources/cp:resource", NS)}
    identifiers = [element.get("identifier") for element in manifest.iter() if element.get("identifier")]
    assert len(identifiers) == len(set(identifiers))
    for element in manifest.iter():
        if element.get("identifierref"):
            assert element.get("identifierref") in resources
    for resource in resources.values():
        files = [file.get("href") for file in resource.findall("cp:file", NS)]
        assert files and set(files) <= names
        assert resource.get("type") in {"webcontent", "imsdt_xmlv1p3", "assignment_xmlv1p0"}

    rich = next(
        item for item in root_items[0].findall("cp:item", NS) if item.findtext("cp:title", namespaces=NS) == RICH_MODULE
    )
    kinds = {}
    for item in rich.findall("cp:item", NS):
        resource = resources[item.get("identifierref")]
        kinds.setdefault(resource.get("type"), []).append(resource)
    page = kinds["webcontent"][0]
    html = cartridge.read(page.get("href")).decode()
    assert "Before you start" in html and 'src="images/' in html
    depends = {dependency.get("identifierref") for dependency in page.findall("cp:dependency", NS)}
    images = [resources[ref] for ref in depends if resources[ref].find("cp:file", NS).get("href").endswith(".png")]
    assert len(images) == 1

    (topic_resource,) = kinds["imsdt_xmlv1p3"]
    topic = etree.fromstring(cartridge.read(topic_resource.find("cp:file", NS).get("href")))
    assert topic.findtext("dt:title", namespaces=NS) == "What made a group work well?"
    assert topic.find("dt:text", NS).get("texttype") == "text/html"

    (assignment_resource,) = kinds["assignment_xmlv1p0"]
    assignment = etree.fromstring(cartridge.read(assignment_resource.get("href")))
    assert assignment.findtext("as:title", namespaces=NS) == "Share your plan"
    text = assignment.findtext("as:text", namespaces=NS)
    assert "Rubric: Plan rubric" in text and "Clarity" in text and "Evidence" in text
    assert assignment.find("as:gradable", NS).get("points_possible") == "6"
    assert assignment.find("as:submission_formats/as:format", NS).get("type") == "text"

    attribution = resources[root_items[0].findall("cp:item", NS)[-1].get("identifierref")]
    attribution_html = cartridge.read(attribution.get("href")).decode()
    assert "“Parent remix” was adapted from “Grandparent course”" in attribution_html
