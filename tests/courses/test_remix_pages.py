"""Remixing as people see it: the pages, attribution three generations deep, JSON-LD, the remix family,
comparing with a source, upstream changes, opting out of derivatives' credits, and the editor's rules.
Each permission is also tried from the side that must be refused."""

import json
import re

import pytest
from django.conf import settings
from django.urls import reverse
from wagtail.models import PageViewRestriction, WorkflowState
from wagtail.test.utils.form_data import rich_text

from courses import notification_kinds
from courses.models import CoursePage, CreditRole, Derivation, ModulePage
from courses.remix import services
from p2pu.notifications.models import Notification
from tests.courses.authoring_setup import course_form_data, edit_url, module_form_data, site_editor
from tests.courses.factories import CoursePageFactory, text_block
from tests.courses.remix_setup import body_text, draft_change, modules_of, publish, published_course
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def visible(response) -> str:
    """The page's text as a reader gets it: tags dropped, whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.text).split())


def json_ld(response) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', response.text, re.S)
    return json.loads(match.group(1))


def remix_and_publish(source, *, user, title, change_note, licence=None):
    remix = services.remix_course(source=source, user=user, licence=licence or source.licence, title=title)
    remix = publish(remix, change_note=change_note)
    for module in modules_of(remix):
        publish(module)
    return CoursePage.objects.get(pk=remix.pk)


@pytest.fixture
def three_generations():
    """Amara's original, Dana's remix of it, and Emil's remix of Dana's, all published."""
    amara, dana, emil = (
        UserFactory(display_name="Amara"),
        UserFactory(display_name="Dana"),
        UserFactory(display_name="Emil"),
    )
    original = published_course(licence="CC-BY-SA-4.0", title="Facilitating", maintainer=amara, modules=["Intro"])
    library = remix_and_publish(original, user=dana, title="Library circles", change_note="Library examples")
    teens = remix_and_publish(library, user=emil, title="Teen circles", change_note="Shorter meetings")
    return original, library, teens


class TestAttributionThroughThePages:
    def test_three_generations_deep_with_every_change_note(self, client, three_generations):
        original, library, teens = three_generations
        response = client.get(teens.url)
        assert response.status_code == 200
        text = " ".join(response.text.split())
        own = text.index("Emil")
        first = text.index("Adapted from “Library circles” by Dana")
        second = text.index("“Library circles” was adapted from “Facilitating” by Amara")
        assert own < first < second
        assert (
            "licensed under CC BY-SA 4.0 (https://creativecommons.org/licenses/by-sa/4.0/); changes: Shorter meetings"
            in text
        )
        assert "changes: Library examples" in text

    def test_module_pages_carry_the_chain_of_their_module(self, client, three_generations):
        _original, _library, teens = three_generations
        text = " ".join(client.get(modules_of(teens)[0].url).text.split())
        assert "Adapted from “Intro” by Dana" in text
        assert "“Intro” was adapted from “Intro” by Amara" in text

    def test_the_chain_survives_the_source_being_deleted(self, client, three_generations):
        original, library, teens = three_generations
        original.delete()
        library.delete()
        text = " ".join(client.get(teens.url).text.split())
        assert "“Library circles” was adapted from “Facilitating” by Amara" in text

    def test_json_ld_has_is_based_on_and_the_licence(self, client, three_generations):
        _original, library, teens = three_generations
        data = json_ld(client.get(teens.url))
        assert data["license"] == "https://creativecommons.org/licenses/by-sa/4.0/"
        assert data["isBasedOn"] == [
            {
                "@type": "CreativeWork",
                "name": "Library circles",
                "url": f"{settings.SITE_URL}{library.url}",
                "license": "https://creativecommons.org/licenses/by-sa/4.0/",
                "author": [{"@type": "Person", "name": "Dana"}],
            }
        ]
        assert "isBasedOn" not in json_ld(client.get(three_generations[0].url))

    def test_a_person_can_be_left_out_of_derivatives_credits(self, client, three_generations):
        original, _library, teens = three_generations
        amara_credit = original.credits.get()
        amara = amara_credit.person
        client.force_login(amara)
        page = client.get(reverse("courses:remix_credits"))
        assert "Leave me out of remixes of “Facilitating” (maintainer)" in page.text

        client.post(reverse("courses:remix_credit_set", args=[amara_credit.pk]), {"opted_out": "1"})
        client.logout()
        text = " ".join(client.get(teens.url).text.split())
        assert "“Library circles” was adapted from “Facilitating” by an earlier contributor" in text
        assert "Amara" not in text

        client.force_login(amara)
        client.post(reverse("courses:remix_credit_set", args=[amara_credit.pk]), {"opted_out": "0"})
        client.logout()
        assert "from “Facilitating” by Amara" in " ".join(client.get(teens.url).text.split())

    def test_nobody_changes_someone_elses_credit(self, client, three_generations):
        original, _library, _teens = three_generations
        client.force_login(UserFactory())
        credit = original.credits.get()
        response = client.post(reverse("courses:remix_credit_set", args=[credit.pk]), {"opted_out": "1"})
        assert response.status_code == 404
        credit.refresh_from_db()
        assert not credit.opted_out_of_derivatives

    def test_verbatim_material_is_marked_and_listed_except_where_otherwise_noted(self, client):
        mine = published_course(licence="CC-BY-SA-4.0", modules=["Mine"])
        poem_course = published_course(licence="CC-BY-ND-4.0", modules=["Poem"], title="Poetry")
        result = services.module_import(
            source=modules_of(poem_course)[0], course=mine, user=UserFactory(), kind="verbatim"
        )
        publish(result.module)
        course_text = visible(client.get(mine.url))
        assert "Except where otherwise noted. Included verbatim under their own licences: “Poem”: CC BY-ND 4.0" in (
            course_text
        )
        assert "Poem Included verbatim" in course_text
        module_text = visible(client.get(result.module.url))
        assert "Included verbatim from “Poem”" in module_text
        assert "“Poem” by " in module_text and "is licensed under CC BY-ND 4.0" in module_text


class TestRemixThisCourse:
    def test_the_button_is_on_every_published_course_page(self, client):
        course = published_course()
        assert f'href="/courses/remix/course/{course.pk}/">Remix this course</a>' in client.get(course.url).text

    def test_anonymous_visitors_are_asked_to_sign_in(self, client):
        course = published_course()
        url = reverse("courses:remix", args=[course.pk])
        for response in (client.get(url), client.post(url, {"title": "Mine", "licence": "CC-BY-4.0"})):
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("account_login"))
        assert CoursePage.objects.count() == 1

    def test_people_who_have_not_confirmed_their_address_cannot(self, client):
        course = published_course()
        client.force_login(UserFactory(verified=False))
        url = reverse("courses:remix", args=[course.pk])
        assert client.get(url).status_code == 403
        assert client.post(url, {"title": "Mine", "licence": "CC-BY-4.0"}).status_code == 403
        assert CoursePage.objects.count() == 1

    def test_drafts_are_not_found_by_others_and_not_remixable_by_their_authors(self, client):
        draft = CoursePageFactory(publish=False)
        author = UserFactory()
        from courses.services import course_authoring_ensure, credit_add

        credit_add(course=draft, person=author, role=CreditRole.MAINTAINER, accepted=True)
        course_authoring_ensure(course=draft)
        url = reverse("courses:remix", args=[draft.pk])
        client.force_login(UserFactory())
        assert client.get(url).status_code == 404
        assert client.post(url, {"title": "Mine", "licence": "CC-BY-SA-4.0"}).status_code == 404
        client.force_login(author)
        assert client.post(url, {"title": "Mine", "licence": "CC-BY-SA-4.0"}).status_code == 409
        assert CoursePage.objects.count() == 1

    def test_the_licence_is_fixed_for_a_share_alike_source_and_the_remix_opens_in_the_editor(self, client):
        source = published_course(licence="CC-BY-SA-4.0", title="Facilitating")
        remixer = UserFactory()
        client.force_login(remixer)
        url = reverse("courses:remix", args=[source.pk])
        page = client.get(url)
        assert page.context["form"].fields["licence"].choices == [("CC-BY-SA-4.0", "CC BY-SA 4.0")]
        assert "The licence is fixed: “Facilitating” is under CC BY-SA 4.0, whose ShareAlike condition" in page.text

        refused = client.post(url, {"title": "Mine", "licence": "CC-BY-4.0"})
        assert refused.status_code == 200
        assert "Select a valid choice" in refused.text
        response = client.post(url, {"title": "Library circles", "licence": "CC-BY-SA-4.0"})
        remix = CoursePage.objects.get(title="Library circles")
        assert response["Location"] == edit_url(remix)
        assert client.get(edit_url(remix)).status_code == 200

    def test_the_most_permissive_licence_is_preselected(self, client):
        source = published_course(licence="CC-BY-4.0")
        client.force_login(UserFactory())
        form = client.get(reverse("courses:remix", args=[source.pk])).context["form"]
        assert form["licence"].value() == "CC-BY-4.0"
        assert [code for code, _label in form.fields["licence"].choices][0] == "CC-BY-4.0"
        assert "PD" not in dict(form.fields["licence"].choices)

    def test_a_no_derivatives_course_is_refused_with_the_reason_and_offers_verbatim_modules(self, client):
        source = published_course(licence="CC-BY-NC-ND-4.0", title="Writing", modules=["Plain words"])
        client.force_login(UserFactory())
        url = reverse("courses:remix", args=[source.pk])
        page = client.get(url)
        assert "“Writing” is under CC BY-NC-ND 4.0, which does not allow adaptations" in page.text
        module = modules_of(source)[0]
        assert f'href="{reverse("courses:remix_module", args=[module.pk])}">Include “Plain words” verbatim' in page.text
        assert client.post(url, {"title": "Mine", "licence": "CC-BY-NC-ND-4.0"}).status_code == 400
        assert CoursePage.objects.count() == 1


class TestUseAModuleInMyCourse:
    def test_only_my_own_courses_are_offered_and_a_verbatim_copy_is_made(self, client):
        mine = published_course(licence="CC-BY-SA-4.0", modules=[])
        me = mine.credits.get().person
        from courses.services import course_authoring_ensure

        course_authoring_ensure(course=mine)
        someone_elses = published_course()
        source = modules_of(published_course(licence="CC-BY-ND-4.0", modules=["Poem"]))[0]
        client.force_login(me)
        url = reverse("courses:remix_module", args=[source.pk])
        form = client.get(url).context["form"]
        assert list(form.fields["course"].queryset) == [mine]
        assert [value for value, _label in form.fields["kind"].choices] == ["verbatim"]

        refused = client.post(url, {"course": someone_elses.pk, "kind": "verbatim"})
        assert refused.status_code == 200
        assert not ModulePage.objects.child_of(someone_elses).filter(title="Poem").exists()

        response = client.post(url, {"course": mine.pk, "kind": "verbatim"})
        copy = ModulePage.objects.child_of(mine).get(title="Poem")
        assert response["Location"] == edit_url(copy)

    def test_a_draft_module_is_not_found(self, client):
        course = published_course(modules=[])
        from tests.courses.factories import ModulePageFactory

        draft = ModulePageFactory(parent=course, publish=False)
        client.force_login(UserFactory())
        assert client.get(reverse("courses:remix_module", args=[draft.pk])).status_code == 404


class TestTheEditorKeepsToTheSources:
    def test_only_allowed_licences_are_offered_and_a_verbatim_module_cannot_change(self, client):
        source = published_course(licence="CC-BY-NC-4.0", modules=["Intro"])
        remixer = UserFactory()
        remix = services.remix_course(source=source, user=remixer, licence="CC-BY-NC-4.0")
        poem = modules_of(published_course(licence="CC-BY-ND-4.0", modules=["Poem"]))[0]
        included = services.module_import(source=poem, course=remix, user=remixer, kind="verbatim").module
        client.force_login(remixer)

        editor = client.get(edit_url(remix))
        assert f'href="{reverse("courses:remix_sources", args=[remix.pk])}"' in editor.text
        form = editor.context["form"]
        assert {code for code, _label in form.fields["licence"].choices} == {
            "CC-BY-NC-4.0",
            "CC-BY-NC-SA-4.0",
            "CC-BY-NC-ND-4.0",
        }

        response = client.get(edit_url(included))
        assert "is included verbatim from “Poem”" in response.text
        client.post(
            edit_url(included),
            module_form_data(title="Changed", slug=included.slug, body=[("text", rich_text("<p>Changed</p>"))]),
        )
        latest = ModulePage.objects.get(pk=included.pk).get_latest_revision_as_object()
        assert latest.title == "Poem"
        assert "Changed" not in body_text(latest)

    def test_publishing_without_a_change_note_or_under_another_licence_is_refused(self, client):
        source = published_course(licence="CC-BY-SA-4.0", title="Facilitating")
        remix = services.remix_course(source=source, user=UserFactory(), licence="CC-BY-SA-4.0")
        client.force_login(site_editor())
        response = client.post(edit_url(remix), course_form_data(remix) | {"action-publish": "1"}, follow=True)
        assert not CoursePage.objects.get(pk=remix.pk).live
        assert "Describe what you changed from “Facilitating”" in str(list(response.context["messages"])[-1])

        data = course_form_data(remix, change_note="Library examples") | {"action-publish": "1"}
        response = client.post(edit_url(remix), data, follow=True)
        assert CoursePage.objects.get(pk=remix.pk).live
        assert Derivation.objects.get(target_page=remix).changes == "Library examples"

    def test_review_approval_waits_for_the_change_note(self, client):
        from courses.models import CourseReviewTask
        from courses.workflows import review_workflow_ensure

        source = published_course(licence="CC-BY-SA-4.0")
        remixer = UserFactory()
        remix = services.remix_course(source=source, user=remixer, licence="CC-BY-SA-4.0")
        review_workflow_ensure(catalog=remix.get_parent())
        client.force_login(remixer)
        client.post(edit_url(remix), course_form_data(remix) | {"action-submit": "1"})
        state = WorkflowState.objects.for_instance(remix).get(status="in_progress")
        task = CourseReviewTask.objects.get()
        editor = site_editor()
        page = CoursePage.objects.get(pk=remix.pk)
        assert [name for name, _label, _modal in task.get_actions(page, editor)] == ["reject"]
        state.cancel(user=remixer)

        client.post(edit_url(remix), course_form_data(remix, change_note="Mine now") | {"action-submit": "1"})
        page = CoursePage.objects.get(pk=remix.pk)
        assert "approve" in [name for name, _label, _modal in task.get_actions(page, editor)]


class TestFamily:
    def test_the_family_page_shows_sources_and_published_remixes(self, client, three_generations):
        original, library, teens = three_generations
        services.remix_course(source=original, user=UserFactory(), licence="CC-BY-SA-4.0", title="Secret draft")
        assert original.remix_family_url == f"{original.url}remixes/"
        assert f'href="{original.remix_family_url}">Remix family</a>' in client.get(original.url).text
        response = client.get(original.remix_family_url)
        assert response.status_code == 200
        assert '<svg role="img" aria-labelledby="family-title family-desc"' in response.text
        # The drawing scrolls sideways on a phone, so the keyboard must be able to reach and scroll it.
        assert (
            '<div class="remix-tree-scroll" tabindex="0" role="region" '
            'aria-label="Drawing of the remix family, scrolls sideways">' in response.text
        )
        assert "has 2 published remixes" in response.text
        assert "Secret draft" not in response.text
        assert response.text.index("Library circles") < response.text.index("Teen circles")

        sources = client.get(f"{teens.url}remixes/").text
        assert "Library circles" in sources and "Facilitating" in sources
        assert "draws on 2 earlier works" in sources

    def test_a_private_remix_stays_out_of_the_family(self, client, three_generations):
        original, library, teens = three_generations
        PageViewRestriction.objects.create(page=library, restriction_type=PageViewRestriction.LOGIN)
        client.force_login(UserFactory())
        response = client.get(original.remix_family_url)
        assert response.status_code == 200
        # Neither the private remix nor what was derived from it shows to someone it is not shared with.
        assert "Library circles" not in response.text and "Teen circles" not in response.text
        assert "has 0 published remixes" in response.text

    def test_a_draft_course_has_no_public_family_page(self, client):
        draft = CoursePageFactory(publish=False)
        assert client.get(f"/courses/{draft.slug}/remixes/").status_code == 404


class TestCompareAndUpstream:
    @pytest.fixture
    def remixed(self):
        amara = UserFactory()
        source = published_course(licence="CC-BY-4.0", maintainer=amara, modules=["Intro"])
        dana = UserFactory()
        remix = services.remix_course(source=source, user=dana, licence="CC-BY-4.0")
        return source, remix, amara, dana

    def test_compare_shows_what_the_remix_changed(self, client, remixed):
        _source, remix, _amara, dana = remixed
        intro = modules_of(remix)[0]
        draft_change(intro, body=[text_block("<p>Intro: read this, then write it down.</p>")])
        link = Derivation.objects.get(target_page=intro)
        url = reverse("courses:remix_compare", args=[link.pk])
        assert client.get(url).status_code == 404  # a draft, for anyone but its authors
        client.force_login(dana)
        response = client.get(url)
        assert '<del><span class="visually-hidden">[removed] </span>talk</del>' in response.text
        assert '<ins><span class="visually-hidden">[added] </span>write</ins>' in response.text
        assert "Changed: Intro: read this, then [removed] talk [added] write it" in visible(response)

    def test_maintainers_hear_of_a_new_source_version_and_take_it_over_as_a_draft(self, client, remixed):
        source, remix, amara, dana = remixed
        remix = publish(remix, change_note="Mine")
        copy = publish(modules_of(remix)[0])
        intro = modules_of(source)[0]
        publish(intro, user=amara, body=[text_block("<p>Intro: a better text.</p>")], change_note="Clearer")

        link = Derivation.objects.get(target_page=copy)
        notification = Notification.objects.get(recipient=dana, kind=notification_kinds.UPSTREAM)
        assert notification.url == reverse("courses:remix_upstream", args=[link.pk])
        assert not Notification.objects.filter(recipient=amara, kind=notification_kinds.UPSTREAM).exists()

        url = reverse("courses:remix_upstream", args=[link.pk])
        client.force_login(UserFactory())
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
        client.force_login(dana)
        page = client.get(url)
        assert "Take these changes" in page.text and "a better text." in page.text

        response = client.post(url)
        assert response["Location"] == edit_url(copy)
        copy = ModulePage.objects.get(pk=copy.pk)
        assert "a better text." in body_text(copy)
        assert "a better text." not in " ".join(str(block.value) for block in copy.body)  # still unpublished
        link.refresh_from_db()
        assert link.taken_revision_id == ModulePage.objects.get(pk=intro.pk).live_revision_id
        assert "has every change the source has published" in client.get(url).text

    def test_a_private_sources_new_version_is_not_offered_to_its_remixes(self, client, remixed):
        source, remix, amara, dana = remixed
        remix = publish(remix, change_note="Mine")
        copy = publish(modules_of(remix)[0])
        PageViewRestriction.objects.create(page=source, restriction_type=PageViewRestriction.LOGIN)
        intro = modules_of(source)[0]
        publish(intro, user=amara, body=[text_block("<p>Intro: for members only.</p>")], change_note="Private")

        assert not Notification.objects.filter(recipient=dana, kind=notification_kinds.UPSTREAM).exists()
        link = Derivation.objects.get(target_page=copy)
        url = reverse("courses:remix_upstream", args=[link.pk])
        client.force_login(dana)
        page = client.get(url)
        assert page.status_code == 200 and "for members only" not in page.text
        client.post(url)
        assert "for members only" not in body_text(ModulePage.objects.get(pk=copy.pk))
        assert "for members only" not in client.get(reverse("courses:remix_sources", args=[remix.pk])).text
        # Comparing with the now private source shows its text to nobody it is not shared with.
        compare = reverse("courses:remix_compare", args=[link.pk])
        client.logout()
        assert client.get(compare).status_code == 404
        client.force_login(dana)
        assert client.get(compare).status_code == 200  # signed in: the restriction admits her

    def test_a_republish_of_the_same_version_notifies_once(self, remixed):
        source, remix, amara, dana = remixed
        intro = publish(modules_of(source)[0], user=amara, change_note="Typos")
        intro.live_revision.publish(user=amara, skip_permission_checks=True)
        assert Notification.objects.filter(recipient=dana, kind=notification_kinds.UPSTREAM).count() == 1

    def test_sources_page_is_for_the_courses_authors_only(self, client, remixed):
        _source, remix, _amara, dana = remixed
        url = reverse("courses:remix_sources", args=[remix.pk])
        assert client.get(url).status_code == 302
        client.force_login(UserFactory())
        assert client.get(url).status_code == 404
        client.force_login(dana)
        response = client.get(url)
        assert response.status_code == 200
        assert "Compare with source" in response.text

    def test_maintainers_say_what_they_changed_from_each_source(self, client, remixed):
        source, remix, _amara, dana = remixed
        link = Derivation.objects.get(target_page=remix)
        url = reverse("courses:remix_sources", args=[remix.pk])
        client.force_login(dana)
        client.post(url, {"action": "changes", "link": link.pk, "changes": "  Shorter, with library examples "})
        link.refresh_from_db()
        assert link.draft_changes == "Shorter, with library examples"
        assert "(waiting for review)" in client.get(url).text
        client.post(url, {"action": "changes", "link": link.pk, "changes": ""})
        link.refresh_from_db()
        assert link.draft_changes == "Shorter, with library examples"
        someone_elses = services.remix_course(source=source, user=UserFactory(), licence="CC-BY-4.0")
        foreign = Derivation.objects.get(target_page=someone_elses)
        assert client.post(url, {"action": "changes", "link": foreign.pk, "changes": "Mine"}).status_code == 404
        foreign.refresh_from_db()
        assert foreign.changes == ""

    def test_an_external_source_is_added_on_the_sources_page(self, client, remixed):
        _source, remix, _amara, dana = remixed
        client.force_login(dana)
        url = reverse("courses:remix_sources", args=[remix.pk])
        bad = client.post(url, {"action": "external", "external-url": "javascript:alert(1)", "external-title": ""})
        assert bad.status_code == 200
        assert Derivation.objects.filter(external=True).count() == 0
        client.post(
            url,
            {
                "action": "external",
                "external-url": "https://example.org/handbook",
                "external-title": "Handbook",
                "external-author": "Open Org",
                "external-licence": "CC-BY-4.0",
                "external-kind": "adaptation",
                "external-target": str(remix.pk),
            },
        )
        assert Derivation.objects.get(external=True).title == "Handbook"
