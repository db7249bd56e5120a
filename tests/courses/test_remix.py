"""Remixing through the services: what a remix copies, what it never touches, and the licences it may take."""

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import PageViewRestriction, Revision

from courses import derivations
from courses.licensing import Licence
from courses.models import CoursePage, CreditRole, Derivation, DerivationKind, ModulePage, Rubric
from courses.remix import queries, services
from tests.courses.factories import ModulePageFactory, RubricFactory, activity_block, text_block
from tests.courses.remix_setup import body_text, draft_change, modules_of, publish, published_course
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def source_state(course):
    """Everything about a course and its modules that remixing must leave alone."""
    pages = [course, *ModulePage.objects.child_of(course)]
    revisions = Revision.page_revisions.filter(object_id__in=[str(page.pk) for page in pages]).order_by("pk")
    rows = CoursePage.objects.filter(pk=course.pk).values().get()
    module_rows = list(ModulePage.objects.child_of(course).order_by("pk").values())
    return [(revision.pk, revision.content, revision.created_at) for revision in revisions], rows, module_rows


class TestRemixACourse:
    def test_copies_the_published_course_with_its_modules_and_rubrics(self):
        rubric = RubricFactory(title="Clear plan")
        source = published_course(licence="CC-BY-4.0", modules=["Intro"])
        rubric.course = source
        rubric.save()
        ModulePageFactory(
            parent=source,
            title="Practice",
            slug="practice",
            body=[text_block("<p>Try it.</p>"), activity_block(rubric=rubric, block_id="a1")],
        )
        remixer = UserFactory()

        remix = services.remix_course(source=source, user=remixer, licence="CC-BY-4.0")

        assert not remix.live
        assert remix.owner == remixer
        assert remix.title == f"{source.title} (remix)"
        assert remix.get_parent().pk == source.get_parent().pk
        assert remix.credits.get().person == remixer
        assert remix.credits.get().role == CreditRole.MAINTAINER
        assert remix.credits.accepted().count() == 1
        assert remix.authors_group.user_set.filter(pk=remixer.pk).exists()
        assert remix.permissions_for_user(remixer).can_edit()
        copies = modules_of(remix)
        assert [module.title for module in copies] == ["Intro", "Practice"]
        assert all(not module.live for module in copies)
        activity = copies[1].activity("a1")
        copy_of_rubric = activity["rubric"]
        assert copy_of_rubric.pk != rubric.pk
        assert copy_of_rubric.course_id == remix.pk
        assert copy_of_rubric.title == rubric.title
        assert copy_of_rubric.criteria_list() == rubric.criteria_list()
        assert copy_of_rubric.latest_revision_id is not None

        link = Derivation.objects.get(target_page=remix)
        assert link.source_page_id == source.pk
        assert link.source_revision_id == source.live_revision_id
        assert link.kind == DerivationKind.ADAPTATION
        assert link.licence == "CC-BY-4.0"
        assert link.snapshot["title"] == source.title
        assert link.source_url.endswith(source.url)
        module_links = Derivation.objects.filter(part_of=link).order_by("pk")
        assert [item.target_page_id for item in module_links] == [module.pk for module in copies]
        assert [item.source_page_id for item in module_links] == [module.pk for module in modules_of(source)]

    def test_the_source_is_never_modified(self):
        source = published_course(modules=["Intro", "Practice", "Wrap-up"])
        before = source_state(source)
        services.remix_course(source=source, user=UserFactory(), licence="CC-BY-4.0")
        assert source_state(CoursePage.objects.get(pk=source.pk)) == before

    def test_copies_the_published_version_never_a_draft(self):
        source = published_course(modules=["Intro"])
        intro = modules_of(source)[0]
        draft_change(intro, body=[text_block("<p>UNPUBLISHED DRAFT TEXT</p>")], title="Draft title")
        draft_change(source, summary="UNPUBLISHED SUMMARY")
        ModulePageFactory(parent=source, title="Never published", publish=False)
        private = ModulePageFactory(parent=source, title="Members only")
        PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)

        remix = services.remix_course(source=source, user=UserFactory(), licence="CC-BY-4.0")

        copies = modules_of(remix)
        assert [module.title for module in copies] == ["Intro"]
        assert "UNPUBLISHED" not in body_text(copies[0])
        assert "UNPUBLISHED" not in remix.summary
        assert Derivation.objects.get(target_page=copies[0]).source_revision_id == intro.live_revision_id

    def test_a_share_alike_source_fixes_the_licence(self):
        source = published_course(licence="CC-BY-SA-4.0")
        assert services.remix_plan(source=source).resolution().allowed == (Licence.CC_BY_SA,)
        with pytest.raises(ValidationError) as refusal:
            services.remix_course(source=source, user=UserFactory(), licence="CC-BY-4.0")
        assert "CC BY-SA 4.0 only" in str(refusal.value)
        assert CoursePage.objects.count() == 1

    def test_the_most_permissive_allowed_licence_comes_first(self):
        source = published_course(licence="CC-BY-NC-4.0")
        allowed = services.remix_plan(source=source).resolution().allowed
        assert allowed[0] == Licence.CC_BY_NC
        assert all(licence.non_commercial for licence in allowed)

    def test_a_no_derivatives_course_cannot_be_adapted(self):
        source = published_course(licence="CC-BY-NC-ND-4.0", title="Writing well")
        with pytest.raises(ValidationError) as refusal:
            services.remix_course(source=source, user=UserFactory(), licence="CC-BY-NC-ND-4.0")
        assert "“Writing well” is under CC BY-NC-ND 4.0, which does not allow adaptations" in str(refusal.value)
        assert CoursePage.objects.count() == 1
        assert not Derivation.objects.exists()

    def test_a_module_marked_no_derivatives_comes_along_verbatim(self):
        source = published_course(licence="CC-BY-4.0", modules=["Intro"])
        ModulePageFactory(parent=source, title="Poem", slug="poem", licence="CC-BY-ND-4.0")
        remix = services.remix_course(source=source, user=UserFactory(), licence="CC-BY-4.0")
        poem = ModulePage.objects.child_of(remix).get(slug="poem")
        link = Derivation.objects.get(target_page=poem)
        assert link.kind == DerivationKind.VERBATIM
        assert poem.licence == "CC-BY-ND-4.0"
        assert derivations.course_resolution(remix).except_where_noted[0].title == "Poem"

    def test_site_wide_rubrics_stay_shared(self):
        shared = RubricFactory(title="Site rubric")
        source = published_course(modules=[])
        ModulePageFactory(parent=source, slug="m", body=[activity_block(rubric=shared, block_id="a1")])
        remix = services.remix_course(source=source, user=UserFactory(), licence="CC-BY-4.0")
        assert modules_of(remix)[0].activity("a1")["rubric"].pk == shared.pk
        assert Rubric.objects.count() == 1

    def test_a_draft_course_cannot_be_remixed(self):
        from tests.courses.factories import CoursePageFactory

        draft = CoursePageFactory(publish=False)
        with pytest.raises(ValidationError):
            services.remix_course(source=draft, user=UserFactory(), licence="CC-BY-4.0")


class TestModuleImport:
    def test_an_adaptation_is_an_editable_copy_and_may_call_for_another_licence(self):
        mine = published_course(licence="CC-BY-4.0", modules=["Mine"])
        theirs = published_course(licence="CC-BY-SA-4.0", modules=["Theirs"])
        result = services.module_import(
            source=modules_of(theirs)[0], course=mine, user=UserFactory(), kind=DerivationKind.ADAPTATION
        )
        assert result.module.get_parent().pk == mine.pk
        assert not result.module.live
        assert result.module.licence == ""
        assert result.link.kind == DerivationKind.ADAPTATION
        assert result.resolution.allowed == (Licence.CC_BY_SA,)
        assert queries.publish_refusals(CoursePage.objects.get(pk=mine.pk))[0].startswith(
            "It can't be published under CC BY 4.0: “Theirs” is under CC BY-SA 4.0"
        )

    def test_a_verbatim_inclusion_keeps_its_licence(self):
        mine = published_course(licence="CC-BY-SA-4.0", modules=["Mine"])
        theirs = published_course(licence="CC-BY-NC-ND-4.0", modules=["Poem"])
        result = services.module_import(
            source=modules_of(theirs)[0], course=mine, user=UserFactory(), kind=DerivationKind.VERBATIM
        )
        assert result.module.licence == "CC-BY-NC-ND-4.0"
        assert result.link.is_verbatim
        # Verbatim material never constrains the course's own licence: it keeps its own.
        assert result.resolution.allowed == tuple(Licence)
        assert [source.title for source in result.resolution.except_where_noted] == ["Poem"]

    def test_adapting_no_derivatives_or_an_incompatible_licence_is_refused_and_changes_nothing(self):
        by_sa = published_course(licence="CC-BY-SA-4.0", modules=["Mine"])
        remix = services.remix_course(source=by_sa, user=UserFactory(), licence="CC-BY-SA-4.0")
        nd = published_course(licence="CC-BY-ND-4.0", modules=["Poem"])
        nc = published_course(licence="CC-BY-NC-4.0", modules=["Essay"])
        links_before = Derivation.objects.count()
        with pytest.raises(ValidationError, match="does not allow adaptations; include it verbatim instead"):
            services.module_import(source=modules_of(nd)[0], course=remix, user=UserFactory(), kind="adaptation")
        with pytest.raises(ValidationError, match="cannot be combined with NonCommercial material"):
            services.module_import(source=modules_of(nc)[0], course=remix, user=UserFactory(), kind="adaptation")
        assert [module.title for module in modules_of(remix)] == ["Mine"]
        assert Derivation.objects.count() == links_before

    def test_an_original_course_may_take_in_non_commercial_material_and_then_must_be_non_commercial(self):
        mine = published_course(licence="CC-BY-SA-4.0", modules=["Mine"])
        nc = published_course(licence="CC-BY-NC-4.0", modules=["Essay"])
        result = services.module_import(source=modules_of(nc)[0], course=mine, user=UserFactory(), kind="adaptation")
        assert all(licence.non_commercial for licence in result.resolution.allowed)
        assert "CC-BY-SA-4.0" not in result.resolution.allowed


class TestExternalSources:
    def test_an_external_work_joins_the_licence_check_at_once_and_the_attribution_at_the_next_publish(self):
        course = published_course(licence="CC-BY-4.0")
        services.external_source_add(
            target=course,
            user=UserFactory(),
            url="https://example.org/handbook",
            title="Handbook",
            author="Open Org",
            licence="CC-BY-SA-4.0",
            kind="adaptation",
        )
        assert derivations.course_resolution(course).allowed == (Licence.CC_BY_SA,)
        assert derivations.course_attribution(course).lines == []
        course = publish(course, licence="CC-BY-SA-4.0", change_note="Exercises from the handbook")
        assert derivations.course_attribution(course).lines == [
            "Adapted from “Handbook” by Open Org (https://example.org/handbook), licensed under CC BY-SA 4.0 "
            "(https://creativecommons.org/licenses/by-sa/4.0/); changes: Exercises from the handbook"
        ]

    def test_bad_input_is_refused_field_by_field_and_nothing_is_saved(self):
        course = published_course()
        with pytest.raises(ValidationError) as refusal:
            services.external_source_add(
                target=course, user=UserFactory(), url="javascript:alert(1)", title=" ", author="", licence="MIT"
            )
        assert set(refusal.value.error_dict) == {"url", "title", "licence"}
        with pytest.raises(ValidationError, match="does not allow adaptations"):
            services.external_source_add(
                target=course,
                user=UserFactory(),
                url="https://example.org/v",
                title="Video",
                author="",
                licence="CC-BY-ND-4.0",
                kind="adaptation",
            )
        assert not Derivation.objects.exists()


class TestPublishingARemix:
    def test_a_change_note_is_required_and_then_describes_the_changes(self):
        source = published_course(licence="CC-BY-SA-4.0")
        remix = services.remix_course(source=source, user=UserFactory(), licence="CC-BY-SA-4.0")
        assert remix.change_note == ""
        refusals = queries.publish_refusals(remix.get_latest_revision_as_object())
        assert refusals == [
            f"Describe what you changed from “{source.title}” in the change note: adaptations must say so."
        ]
        version = remix.get_latest_revision_as_object()
        version.change_note = "Examples for libraries"
        assert queries.publish_refusals(version) == []

        publish(remix, change_note="Examples for libraries")
        assert Derivation.objects.get(target_page=remix).changes == "Examples for libraries"

    def test_an_unchanged_module_needs_no_note_but_a_changed_one_does(self):
        source = published_course(modules=["Intro"])
        remix = services.remix_course(source=source, user=UserFactory(), licence="CC-BY-4.0")
        intro = modules_of(remix)[0]
        assert queries.publish_refusals(intro.get_latest_revision_as_object()) == []
        changed = draft_change(intro, body=[text_block("<p>My own words.</p>")])
        assert "change note" in queries.publish_refusals(changed.get_latest_revision_as_object())[0]

    def test_a_licence_the_sources_do_not_allow_is_refused_with_the_reason(self):
        source = published_course(licence="CC-BY-NC-4.0", title="Maps")
        remix = services.remix_course(source=source, user=UserFactory(), licence="CC-BY-NC-4.0")
        version = remix.get_latest_revision_as_object()
        version.licence, version.change_note = "CC-BY-4.0", "Shorter"
        assert queries.publish_refusals(version) == [
            "It can't be published under CC BY 4.0: “Maps” is under CC BY-NC 4.0, which requires adaptations to "
            "be NonCommercial, unlike CC BY 4.0."
        ]
