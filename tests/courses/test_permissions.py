"""Every authoring boundary tested from the side that must be refused.

Course A, with a draft module, a rubric, an image, a document and a review in progress, is probed by
a learner who writes no course, by the author of another course (who does have admin access), and by
anonymous visitors. None of them gets anything of A from the admin; a learner author's admin shows
only their own courses, and refuses users, groups, settings, workflows, collections and reports.
"""

from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Collection, PageViewRestriction, WorkflowState
from wagtail.test.utils.form_data import rich_text

from courses import services
from courses.models import CoursePage, ModulePage, Rubric
from tests.courses.authoring_setup import (
    coauthor,
    course_form_data,
    course_maintainer,
    edit_url,
    module_form_data,
    refused,
    rubric_form_data,
    site_editor,
    started_course,
)
from tests.courses.factories import CoursePageFactory, criteria
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SECRET = "Quokkaneering"
#: What course A's things are called; a search for SECRET may echo the word, never these.
TITLES = [f"{SECRET} {thing}" for thing in ("course", "module", "rubric", "image", "document")]


@dataclass
class CourseA:
    course: CoursePage
    module: ModulePage
    rubric: Rubric
    image: object
    document: object
    revision_id: int
    task_state_id: int
    task_id: int
    workflow_state_id: int


def release(response) -> None:
    """Close the served file. Not ``response.close()``: that sends ``request_finished``, whose handler
    closes the test's database connection on PostgreSQL."""
    if getattr(response, "file_to_stream", None) is not None:
        response.file_to_stream.close()


@pytest.fixture
def course_a(client):
    course = started_course(title=f"{SECRET} course")
    maintainer = course_maintainer(course)
    module = services.module_create(course=course, title=f"{SECRET} module", slug="secret-module", user=maintainer)
    rubric = services.rubric_create(title=f"{SECRET} rubric", criteria=criteria("Clarity"), course=course)
    image = get_image_model().objects.create(
        title=f"{SECRET} image", file=get_test_image_file(), collection=course.collection
    )
    document = get_document_model().objects.create(
        title=f"{SECRET} document", file=ContentFile(b"notes", name="notes.txt"), collection=course.collection
    )
    client.force_login(maintainer)
    client.post(edit_url(course), course_form_data(course) | {"action-submit": "1"})
    client.logout()
    state = WorkflowState.objects.for_instance(course).get()
    return CourseA(
        course=course,
        module=module,
        rubric=rubric,
        image=image,
        document=document,
        revision_id=course.get_latest_revision().pk,
        task_state_id=state.current_task_state.pk,
        task_id=state.current_task_state.task_id,
        workflow_state_id=state.pk,
    )


def admin_urls_of(a: CourseA) -> dict[str, str]:
    """Every admin URL that shows or changes something of course A."""
    course, module = a.course.pk, a.module.pk
    rubric = "wagtailsnippets_courses_rubric:%s"
    return {
        "edit course": reverse("wagtailadmin_pages:edit", args=[course]),
        "edit module": reverse("wagtailadmin_pages:edit", args=[module]),
        "preview": reverse("wagtailadmin_pages:preview_on_edit", args=[course]),
        "view draft": reverse("wagtailadmin_pages:view_draft", args=[module]),
        "explore": reverse("wagtailadmin_explore", args=[course]),
        "add module": reverse("wagtailadmin_pages:add", args=["courses", "modulepage", course]),
        "add subpage": reverse("wagtailadmin_pages:add_subpage", args=[course]),
        "delete": reverse("wagtailadmin_pages:delete", args=[module]),
        "copy": reverse("wagtailadmin_pages:copy", args=[course]),
        "move": reverse("wagtailadmin_pages:move", args=[module]),
        "lock": reverse("wagtailadmin_pages:lock", args=[course]),
        "usage": reverse("wagtailadmin_pages:usage", args=[course]),
        "history": reverse("wagtailadmin_pages:history", args=[course]),
        "revision": reverse("wagtailadmin_pages:revisions_view", args=[course, a.revision_id]),
        "revert": reverse("wagtailadmin_pages:revisions_revert", args=[course, a.revision_id]),
        "compare": reverse("wagtailadmin_pages:revisions_compare", args=[course, "earliest", "latest"]),
        "workflow history": reverse("wagtailadmin_pages:workflow_history", args=[course]),
        "workflow history detail": reverse(
            "wagtailadmin_pages:workflow_history_detail", args=[course, a.workflow_state_id]
        ),
        "workflow action": reverse("wagtailadmin_pages:workflow_action", args=[course, "approve", a.task_state_id]),
        "workflow preview": reverse("wagtailadmin_pages:workflow_preview", args=[course, a.task_id]),
        "authors": reverse("courses_authoring:authors", args=[course]),
        "rubric edit": reverse(rubric % "edit", args=[a.rubric.pk]),
        "rubric delete": reverse(rubric % "delete", args=[a.rubric.pk]),
        "rubric copy": reverse(rubric % "copy", args=[a.rubric.pk]),
        "rubric history": reverse(rubric % "history", args=[a.rubric.pk]),
        "rubric usage": reverse(rubric % "usage", args=[a.rubric.pk]),
        "rubric compare": reverse(rubric % "revisions_compare", args=[a.rubric.pk, "earliest", "latest"]),
        "rubric revert": reverse(rubric % "revisions_revert", args=[a.rubric.pk, a.rubric.latest_revision_id]),
        "rubric chosen": reverse("wagtailsnippetchoosers_courses_rubric:chosen", args=[a.rubric.pk]),
        "image edit": reverse("wagtailimages:edit", args=[a.image.pk]),
        "image delete": reverse("wagtailimages:delete", args=[a.image.pk]),
        "image url": reverse("wagtailimages:url_generator", args=[a.image.pk]),
        "image usage": reverse("wagtailimages:image_usage", args=[a.image.pk]),
        "image chosen": reverse("wagtailimages_chooser:chosen", args=[a.image.pk]),
        "document edit": reverse("wagtaildocs:edit", args=[a.document.pk]),
        "document delete": reverse("wagtaildocs:delete", args=[a.document.pk]),
        "document usage": reverse("wagtaildocs:document_usage", args=[a.document.pk]),
        "document chosen": reverse("wagtaildocs_chooser:chosen", args=[a.document.pk]),
    }


#: Listings and searches in the admin: they answer 200 but must not mention course A.
ADMIN_LISTINGS = [
    "/admin/",
    "/admin/pages/",
    "/admin/pages/usage/courses/coursepage/",
    "/admin/pages/usage/courses/modulepage/",
    f"/admin/api/main/pages/?search={SECRET}",
    "/admin/api/main/pages/?type=courses.CoursePage",
    f"/admin/pages/search/?q={SECRET}",
    f"/admin/choose-page/search/?q={SECRET}",
    "/admin/snippets/courses/rubric/",
    "/admin/snippets/choose/courses/rubric/",
    "/admin/images/",
    "/admin/images/chooser/",
    "/admin/documents/",
    "/admin/documents/chooser/",
]


def assert_nothing_of_a(client, a: CourseA):
    for name, url in admin_urls_of(a).items():
        response = client.get(url)
        if name == "explore" and not refused(response):
            # Wagtail sends people exploring outside their pages back to the root of their own.
            assert response["Location"] != url and f"/{a.course.pk}/" not in response["Location"]
        else:
            assert refused(response), f"GET {name}: {url}"
        assert refused(client.post(url, {"comment": ""})), f"POST {name}: {url}"
    a.course.refresh_from_db()
    assert not a.course.live and Rubric.objects.filter(pk=a.rubric.pk).exists()
    assert WorkflowState.objects.get(pk=a.workflow_state_id).status == "in_progress"


def assert_no_drafts_on_the_site(client, a: CourseA):
    assert client.get("/courses/quokkaneering-course/").status_code == 404
    assert client.get("/courses/quokkaneering-course/secret-module/").status_code == 404
    assert client.get(f"/api/v2/pages/{a.course.pk}/").status_code == 404
    assert client.get(f"/api/v2/pages/{a.module.pk}/").status_code == 404
    for url in ("/courses/", f"/search/?q={SECRET}", f"/api/v2/pages/?search={SECRET}", "/sitemap.xml"):
        text = client.get(url).content.decode()
        for title in TITLES:
            assert title not in text, url


class TestALearnerWhoWritesNoCourse:
    def test_gets_nothing_of_course_a(self, client, course_a):
        client.force_login(UserFactory())
        assert_nothing_of_a(client, course_a)

    def test_has_no_admin_at_all(self, client, course_a):
        client.force_login(UserFactory())
        response = client.get("/admin/")
        assert response.status_code == 302 and response["Location"].startswith(reverse("wagtailadmin_login"))


class TestTheAuthorOfAnotherCourse:
    @pytest.fixture
    def author_of_b(self, client):
        course_b = started_course(title="Course B")
        author = coauthor(course_b)
        client.force_login(author)
        return author

    def test_gets_nothing_of_course_a(self, client, course_a, author_of_b):
        assert client.get("/admin/").status_code == 200  # they do have an admin, for course B
        assert_nothing_of_a(client, course_a)

    def test_finds_nothing_of_course_a_in_listings_searches_and_choosers(self, client, course_a, author_of_b):
        for url in ADMIN_LISTINGS:
            response = client.get(url, follow=True)
            assert response.status_code == 200, url
            for title in TITLES:
                assert title not in response.content.decode(), url

    def test_cannot_pick_course_a_rubric_in_the_chooser(self, client, course_a, author_of_b):
        chosen = reverse("wagtailsnippetchoosers_courses_rubric:chosen_multiple") + f"?id={course_a.rubric.pk}"
        response = client.get(chosen)
        assert f"{SECRET} rubric" not in response.content.decode()

    def test_cannot_add_to_course_a_through_forms_of_their_own(self, client, course_a, author_of_b):
        # A module posted straight to A's add URL, and a rubric filed under A, are both refused.
        add_module = reverse("wagtailadmin_pages:add", args=["courses", "modulepage", course_a.course.pk])
        assert refused(client.post(add_module, module_form_data(title="Intruder", slug="intruder")))
        response = client.post(
            reverse("wagtailsnippets_courses_rubric:add"), rubric_form_data(title="Intruder", course=course_a.course)
        )
        assert response.status_code == 200 and list(response.context["form"].errors) == ["course"]
        assert not ModulePage.objects.filter(title="Intruder").exists()
        assert not Rubric.objects.filter(title="Intruder").exists()

    def test_cannot_put_course_a_image_or_rubric_in_their_pages_by_id(self, client, course_a, author_of_b):
        course_b = CoursePage.objects.get(title="Course B")
        module_b = services.module_create(
            course=course_b, title="Module B", slug="module-b", user=course_maintainer(course_b)
        )
        own_image = get_image_model().objects.create(
            title="B image", file=get_test_image_file(), collection=course_b.collection
        )
        own_rubric = services.rubric_create(title="B rubric", criteria=criteria("Clarity"), course=course_b)
        module_revision, course_revision = module_b.latest_revision_id, course_b.latest_revision_id

        def body(image, rubric):
            return [
                ("image", {"image": image.pk, "alt_text": "", "caption": "", "credit": "", "licence": ""}),
                (
                    "activity",
                    {
                        "title": "Share",
                        "prompt": rich_text("<p>Share it.</p>"),
                        "submission_type": "text",
                        "rubric": rubric.pk,
                        "reviews_per_submission": "2",
                        "due_offset_days": "7",
                    },
                ),
            ]

        response = client.post(
            edit_url(module_b),
            module_form_data(title="Module B", slug="module-b", body=body(course_a.image, course_a.rubric)),
        )
        assert response.status_code == 200
        errors = response.context["form"].errors["body"].as_data()[0]
        assert "own images" in str(errors.block_errors[0].block_errors["image"])
        assert "another course" in str(errors.block_errors[1].block_errors["rubric"])
        response = client.post(edit_url(course_b), course_form_data(course_b, cover_image=course_a.image.pk))
        assert response.status_code == 200
        assert "own images" in str(response.context["form"].errors["cover_image"])
        for page, revision_id in ((module_b, module_revision), (course_b, course_revision)):
            page.refresh_from_db()
            assert page.latest_revision_id == revision_id  # nothing saved

        # Their own course's image and rubric are theirs to choose.
        response = client.post(
            edit_url(module_b), module_form_data(title="Module B", slug="module-b", body=body(own_image, own_rubric))
        )
        assert response.status_code == 302
        response = client.post(edit_url(course_b), course_form_data(course_b, cover_image=own_image.pk))
        assert response.status_code == 302

    def test_explores_nothing_of_course_a_and_learns_no_other_owners(self, client, course_a, author_of_b):
        # Writing two courses makes the catalog their explorer's root, so A is "below" it.
        course_c = started_course(title="Course C")
        coauthor(course_c, person=author_of_b)
        course_b = CoursePage.objects.get(title="Course B")
        owner_of_a = course_maintainer(course_a.course)
        for page in (course_a.course, course_a.module):
            for url in (
                reverse("wagtailadmin_explore", args=[page.pk]),
                reverse("wagtailadmin_explore_results", args=[page.pk]),
            ):
                response = client.get(url)
                assert response.status_code == 404, url
                assert SECRET not in response.content.decode() and owner_of_a.username not in response.content.decode()
        catalog = course_b.get_parent()
        for page in (catalog, course_b):
            response = client.get(reverse("wagtailadmin_explore", args=[page.pk]))
            assert response.status_code == 200
            owners = response.context["filters"].form.fields["owner"].queryset
            assert owner_of_a not in owners and course_maintainer(course_b) in owners
            editors = response.context["filters"].form.fields["edited_by"].queryset
            assert owner_of_a not in editors
            assert owner_of_a.username not in response.content.decode()

    def test_cannot_reach_course_a_from_the_invitation_or_credits_pages(self, client, course_a):
        maintainer_of_b = course_maintainer(started_course(title="Course B"))
        client.force_login(maintainer_of_b)
        credit = course_a.course.credits.get()
        assert client.post(reverse("courses:credit_accept", args=[credit.pk])).status_code == 404
        assert SECRET not in client.get("/courses/credits/").text
        invite = client.post(
            reverse("courses_authoring:authors", args=[course_a.course.pk]),
            {"action": "invite", "email": "x@example.net", "role": "author"},
        )
        assert refused(invite)


class TestAnonymousVisitors:
    def test_get_nothing_of_course_a_from_the_admin(self, client, course_a):
        for name, url in admin_urls_of(course_a).items():
            response = client.get(url)
            assert refused(response), f"GET {name}: {url}"

    def test_never_see_the_draft_on_the_site(self, client, course_a):
        assert_no_drafts_on_the_site(client, course_a)

    def test_cannot_download_an_unpublished_courses_documents(self, client, course_a):
        document = course_a.document
        assert client.get(document.url).status_code == 404
        client.force_login(UserFactory())
        assert client.get(document.url).status_code == 404
        client.force_login(course_maintainer(course_a.course))
        assert client.get(document.url).status_code == 200


class TestCourseFiles:
    """Images and documents follow their course: the API and the media address give a draft's or a
    private course's files to nobody but its authors (and, for a private course, its readers)."""

    @pytest.fixture
    def live_course(self):
        collection = Collection.get_first_root_node().add_child(name="Live course")
        course = CoursePageFactory(title="Open course", collection=collection)
        image = get_image_model().objects.create(title="Open image", file=get_test_image_file(), collection=collection)
        get_document_model().objects.create(
            title="Open document", file=ContentFile(b"open", name="open.txt"), collection=collection
        )
        return course, image

    def test_the_api_lists_only_files_of_live_public_courses(self, client, course_a, live_course):
        for person in (None, UserFactory()):
            if person:
                client.force_login(person)
            images = client.get("/api/v2/images/").json()["items"]
            documents = client.get("/api/v2/documents/").json()["items"]
            assert [item["title"] for item in images] == ["Open image"]
            assert [item["title"] for item in documents] == ["Open document"]
            assert client.get(f"/api/v2/images/{course_a.image.pk}/").status_code == 404
            assert client.get(f"/api/v2/documents/{course_a.document.pk}/").status_code == 404
        # A live course made private drops out too.
        course, _ = live_course
        PageViewRestriction.objects.create(page=course, restriction_type=PageViewRestriction.LOGIN)
        assert client.get("/api/v2/images/").json()["items"] == []

    def test_a_drafts_images_are_served_to_its_authors_only(self, client, course_a, live_course):
        image = course_a.image
        urls = [image.file.url, image.get_rendition("fill-80x60").url]
        assert all(url.startswith(("/media/original_images/", "/media/images/")) for url in urls)
        for person in (None, UserFactory(), coauthor(started_course(title="Course B"))):
            client.logout()
            if person:
                client.force_login(person)
            for url in urls:
                assert client.get(url).status_code == 404, url
        client.force_login(course_maintainer(course_a.course))
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert "private" in response["Cache-Control"]
            release(response)
        client.logout()
        _, open_image = live_course
        for url in (open_image.file.url, open_image.get_rendition("fill-80x60").url):
            response = client.get(url)
            assert response.status_code == 200, url
            release(response)
        # Nothing else under MEDIA_ROOT is served from there.
        assert client.get("/media/../p2pu/settings/base.py").status_code == 404
        assert client.get(f"/media/{course_a.document.file.name}").status_code == 404

    def test_a_private_courses_images_and_documents_are_for_its_readers(self, client, live_course):
        course, image = live_course
        document = get_document_model().objects.get(title="Open document")
        PageViewRestriction.objects.create(page=course, restriction_type=PageViewRestriction.LOGIN)
        for url in (image.file.url, document.url):
            assert client.get(url).status_code == 404, url
        client.force_login(UserFactory())
        for url in (image.file.url, document.url):
            response = client.get(url)
            assert response.status_code == 200, url
            release(response)


class TestSignedInLearners:
    def test_see_drafts_nowhere_on_the_site_either(self, client, course_a):
        client.force_login(UserFactory())
        assert_no_drafts_on_the_site(client, course_a)


class TestALearnerAuthorsAdmin:
    @pytest.fixture
    def author(self, client):
        course = started_course(title="Course B")
        author = coauthor(course)
        client.force_login(author)
        return author

    def test_the_menu_shows_their_pages_images_documents_and_rubrics_only(self, client, author):
        sidebar = client.get("/admin/").text  # the menu is rendered as JSON props for the sidebar
        for name in ("explorer", "images", "documents", "rubrics"):
            assert f'"name": "{name}"' in sidebar, name
        for name in ("users", "groups", "settings", "reports", "help", "workflows", "collections", "snippets"):
            assert f'"name": "{name}"' not in sidebar, name

    @pytest.mark.parametrize(
        "url",
        [
            "/admin/users/",
            "/admin/groups/",
            "/admin/sites/",
            "/admin/collections/",
            "/admin/workflows/list/",
            "/admin/workflows/tasks/index/",
            "/admin/settings/home/sitesettings/",
            "/admin/redirects/",
            "/admin/reports/locked/",
            "/admin/reports/workflow/",
            "/admin/reports/workflow_tasks/",
            "/admin/reports/site-history/",
            "/admin/reports/aging-pages/",
            "/admin/reports/page-types-usage/",
            "/admin/snippets/",
        ],
    )
    def test_refuses_them_everything_else(self, client, author, url):
        assert refused(client.get(url)), url

    def test_their_explorer_starts_at_their_course(self, client, author):
        response = client.get("/admin/pages/")
        assert response.status_code == 302
        assert response["Location"] == reverse("wagtailadmin_explore", args=[CoursePage.objects.get().pk])

    def test_they_cannot_publish_or_delete_the_course(self, client, author):
        course = CoursePage.objects.get()
        response = client.post(edit_url(course), course_form_data(course) | {"action-publish": "1"})
        assert response.status_code == 302
        course.refresh_from_db()
        assert not course.live
        assert refused(client.post(reverse("wagtailadmin_pages:delete", args=[course.pk])))
        assert CoursePage.objects.filter(pk=course.pk).exists()

    def test_but_the_maintainer_may_delete_their_draft_course(self, client, author):
        course = CoursePage.objects.get()
        client.force_login(course_maintainer(course))
        client.post(reverse("wagtailadmin_pages:delete", args=[course.pk]))
        assert not CoursePage.objects.filter(pk=course.pk).exists()


class TestRubrics:
    @pytest.fixture
    def setting(self, client):
        mine = started_course(title="Mine")
        theirs = started_course(title="Theirs")
        site_wide = services.rubric_create(title="Site-wide rubric", criteria=criteria("Clarity"))
        their_rubric = services.rubric_create(title="Their rubric", criteria=criteria("Clarity"), course=theirs)
        client.force_login(course_maintainer(mine))
        return mine, theirs, site_wide, their_rubric

    def test_authors_write_rubrics_for_their_own_course(self, client, setting):
        mine, theirs, site_wide, their_rubric = setting
        add = client.get(reverse("wagtailsnippets_courses_rubric:add"))
        assert add.status_code == 200
        assert list(add.context["form"].fields["course"].queryset) == [mine]
        response = client.post(
            reverse("wagtailsnippets_courses_rubric:add"), rubric_form_data(title="Our rubric", course=mine)
        )
        assert response.status_code == 302
        rubric = Rubric.objects.get(title="Our rubric")
        assert rubric.course == mine
        assert client.get(reverse("wagtailsnippets_courses_rubric:edit", args=[rubric.pk])).status_code == 200

    def test_a_rubric_must_belong_to_one_of_their_courses(self, client, setting):
        response = client.post(
            reverse("wagtailsnippets_courses_rubric:add"), rubric_form_data(title="Homeless", course=None)
        )
        assert response.status_code == 200 and list(response.context["form"].errors) == ["course"]

    def test_site_wide_rubrics_can_be_chosen_but_not_edited(self, client, setting):
        mine, theirs, site_wide, their_rubric = setting
        assert refused(client.get(reverse("wagtailsnippets_courses_rubric:edit", args=[site_wide.pk])))
        chooser = client.get(reverse("wagtailsnippetchoosers_courses_rubric:choose"))
        assert "Site-wide rubric" in chooser.text and "Their rubric" not in chooser.text
        chosen = client.get(reverse("wagtailsnippetchoosers_courses_rubric:chosen", args=[site_wide.pk]))
        assert chosen.status_code == 200
        assert (
            client.get(reverse("wagtailsnippetchoosers_courses_rubric:chosen", args=[their_rubric.pk])).status_code
            == 404
        )

    def test_site_editors_see_and_edit_every_rubric(self, client, setting):
        mine, theirs, site_wide, their_rubric = setting
        client.force_login(site_editor())
        listing = client.get(reverse("wagtailsnippets_courses_rubric:list")).text
        assert "Site-wide rubric" in listing and "Their rubric" in listing
        assert client.get(reverse("wagtailsnippets_courses_rubric:edit", args=[their_rubric.pk])).status_code == 200


def test_the_rubric_policy_names_who_may_change_a_rubric():
    from wagtail.permissions import policy_registry

    course, other = started_course(title="A"), started_course(title="B")
    rubric = services.rubric_create(title="A's rubric", criteria=criteria("Clarity"), course=course)
    site_wide = services.rubric_create(title="Everyone's rubric", criteria=criteria("Clarity"))
    editor = site_editor()
    policy = policy_registry.get_by_type(Rubric)
    assert set(policy.users_with_any_permission_for_instance(["change"], rubric)) == {course_maintainer(course), editor}
    assert set(policy.users_with_any_permission_for_instance(["change"], site_wide)) == {editor}
    assert not policy.user_has_permission_for_instance(course_maintainer(other), "change", rubric)
    assert not policy.user_has_permission_for_instance(course_maintainer(course), "delete", rubric)


def test_reviewing_never_lets_an_author_publish_on_their_own(client):
    """Even a maintainer with a co-maintainer cannot publish a change nobody else approved."""
    course = started_course()
    coauthor(course, role="maintainer")
    client.force_login(course_maintainer(course))
    client.post(edit_url(course), course_form_data(course) | {"action-publish": "1"})
    course.refresh_from_db()
    assert not course.live
    assert not course.permissions_for_user(course_maintainer(course)).can_publish()
