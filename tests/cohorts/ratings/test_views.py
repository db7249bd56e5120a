"""Flag and reply pages, the site editors' queue in the admin, personal data and the page cache:
each from the side that may, and from every side that may not."""

import pytest
from django.core.cache import cache
from django.test import Client

from cohorts.models import Circle, CircleState, CourseRating, CourseRatingFlag
from cohorts.personal_data import export
from cohorts.ratings import services
from p2pu.accounts.services.deletion import account_delete
from p2pu.core.page_cache import HIT_HEADER
from tests.cohorts.factories import join, make_circle, make_course
from tests.factories import UserFactory

from .setup import maintainer_of, rate, site_editor

pytestmark = pytest.mark.django_db


@pytest.fixture
def rating(course):
    return rate(course, [2], review="Too fast for me.")[0]


def flag_url(rating) -> str:
    return f"/circles/ratings/{rating.pk}/flag/"


def reply_url(rating) -> str:
    return f"/circles/ratings/{rating.pk}/reply/"


class TestFlagPage:
    def test_a_reader_flags_with_an_explanation(self, client, rating):
        client.force_login(UserFactory())
        page = client.get(flag_url(rating))
        assert page.status_code == 200 and "Too fast for me." in page.text
        assert '<label for="id_explanation">' in page.text
        response = client.post(flag_url(rating), {"explanation": "It names a learner."})
        assert response.status_code == 302 and response["Location"] == f"{rating.course.url}#review-{rating.pk}"
        assert CourseRatingFlag.objects.get().explanation == "It names a learner."

    def test_an_empty_explanation_is_shown_as_an_error(self, client, rating):
        client.force_login(UserFactory())
        response = client.post(flag_url(rating), {"explanation": ""})
        assert response.status_code == 200 and "field-error" in response.text
        assert not CourseRatingFlag.objects.exists()

    def test_anonymous_visitors_are_sent_to_sign_in(self, client, rating):
        response = client.post(flag_url(rating), {"explanation": "x"})
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        assert not CourseRatingFlag.objects.exists()

    def test_the_reviewer_cannot_flag_their_own_review(self, client, rating):
        client.force_login(rating.membership.user)
        assert client.post(flag_url(rating), {"explanation": "x"}).status_code == 403
        assert not CourseRatingFlag.objects.exists()

    def test_a_hidden_review_or_one_on_an_unpublished_course_is_not_there(self, client, rating, course):
        client.force_login(UserFactory())
        services.course_rating_hide(rating=rating, by=site_editor())
        assert client.get(flag_url(rating)).status_code == 404
        shown = rate(course, [4])[0]
        course.unpublish()
        assert client.post(flag_url(shown), {"explanation": "x"}).status_code == 404
        assert not CourseRatingFlag.objects.exists()


class TestReplyPage:
    def test_a_maintainer_replies_then_edits_the_same_reply(self, client, rating):
        maintainer = maintainer_of(rating.course)
        client.force_login(maintainer)
        assert "Publish the reply" in client.get(reply_url(rating)).text
        assert client.post(reply_url(rating), {"reply": "We slowed it down."}).status_code == 302
        page = client.get(reply_url(rating))
        assert "Save the reply" in page.text and "We slowed it down." in page.text
        assert client.post(reply_url(rating), {"reply": "We slowed module 2 down."}).status_code == 302
        rating.refresh_from_db()
        assert rating.reply == "We slowed module 2 down."
        response = client.get(rating.course.url)
        assert "We slowed module 2 down." in response.text and "a maintainer of the course" in response.text

    @pytest.mark.parametrize("who", ["anonymous", "learner", "reviewer", "author of another course"])
    def test_nobody_else_replies(self, client, rating, site_tree, who):
        people = {
            "learner": UserFactory,
            "reviewer": lambda: rating.membership.user,
            "author of another course": lambda: maintainer_of(make_course(modules=0, title="Brewing tea")),
        }
        if who != "anonymous":
            client.force_login(people[who]())
        for response in (client.get(reply_url(rating)), client.post(reply_url(rating), {"reply": "Hello"})):
            assert response.status_code in (302, 403)
            if response.status_code == 302:
                assert "/accounts/login/" in response["Location"]
        rating.refresh_from_db()
        assert rating.replied_at is None

    def test_a_removed_maintainer_can_no_longer_reply(self, client, rating):
        maintainer = maintainer_of(rating.course)
        rating.course.credits.filter(person=maintainer).delete()
        client.force_login(maintainer)
        assert client.post(reply_url(rating), {"reply": "Hello"}).status_code == 403


class TestAdminQueue:
    @pytest.fixture
    def flag(self, rating):
        return services.course_rating_flag(rating=rating, by=UserFactory(), explanation="It names a learner.")

    def test_site_editors_see_the_queue_and_hide_a_review(self, client, flag, rating):
        editor = site_editor()
        client.force_login(editor)
        queue = client.get("/admin/course_rating_flags/")
        assert queue.status_code == 200 and "Mapping rivers" in queue.text
        assert f"/admin/course-rating-flags/{flag.pk}/" in queue.text
        page = client.get(f"/admin/course-rating-flags/{flag.pk}/")
        assert "It names a learner." in page.text and "Too fast for me." in page.text
        response = client.post(f"/admin/course-rating-flags/{flag.pk}/", {"decision": "hide", "note": "Names"})
        assert response.status_code == 302
        rating.refresh_from_db()
        assert rating.hidden_by == editor
        assert "Too fast for me." not in client.get(rating.course.url).text
        page = client.get(f"/admin/course-rating-flags/{flag.pk}/")
        assert 'value="unhide"' in page.text and 'value="hide"' not in page.text
        client.post(f"/admin/course-rating-flags/{flag.pk}/", {"decision": "unhide"})
        rating.refresh_from_db()
        assert rating.hidden_at is None

    @pytest.mark.parametrize("who", ["learner", "reviewer", "maintainer", "flagger"])
    def test_nobody_else_moderates(self, client, flag, rating, who):
        person = {
            "learner": UserFactory(),
            "reviewer": rating.membership.user,
            "maintainer": maintainer_of(rating.course),
            "flagger": flag.raised_by,
        }[who]
        client.force_login(person)
        assert client.get("/admin/course_rating_flags/").status_code in (302, 403)
        response = client.post(f"/admin/course-rating-flags/{flag.pk}/", {"decision": "hide"})
        assert response.status_code in (302, 403)
        rating.refresh_from_db()
        assert rating.hidden_at is None


class TestPersonalData:
    def test_flags_and_replies_are_in_the_download(self, rating):
        reader = UserFactory()
        services.course_rating_flag(rating=rating, by=reader, explanation="It names a learner.")
        maintainer = maintainer_of(rating.course)
        services.course_rating_reply(rating=rating, by=maintainer, text="Thanks for telling us.")
        flags = export(user=reader, files=[])["flags_raised"]["course_reviews"]
        assert flags == [
            {
                "course": "Mapping rivers",
                "explanation": "It names a learner.",
                "raised_at": flags[0]["raised_at"],
                "resolved_at": None,
            }
        ]
        replies = export(user=maintainer, files=[])["course_review_replies"]
        assert [reply["reply"] for reply in replies] == ["Thanks for telling us."]

    def test_deleting_an_account_takes_its_flags_and_leaves_replies_without_a_name(self, rating):
        reader = UserFactory()
        services.course_rating_flag(rating=rating, by=reader, explanation="It names a learner.")
        maintainer = maintainer_of(rating.course)
        services.course_rating_reply(rating=rating, by=maintainer, text="Thanks for telling us.")
        account_delete(user=reader, keep_credit_names=False)
        account_delete(user=maintainer, keep_credit_names=False)
        assert not CourseRatingFlag.objects.exists()
        rating.refresh_from_db()
        assert rating.reply == "Thanks for telling us." and rating.replied_by is None


class TestPageCache:
    @pytest.fixture(autouse=True)
    def page_cache(self, settings):
        settings.PAGE_CACHE_ENABLED = True
        cache.clear()

    def warm(self, client, *urls):
        for url in urls:
            client.get(url)
            assert client.get(url)[HIT_HEADER] == "hit", url

    def test_a_new_rating_shows_at_once_on_its_course_only(self, client, course, django_capture_on_commit_callbacks):
        other = make_course(modules=0, title="Brewing tea")
        circle = make_circle(course=course)
        membership = join(circle)
        Circle.objects.filter(pk=circle.pk).update(state=CircleState.FINISHED)
        self.warm(Client(), course.url, other.url, "/courses/?sort=rating", "/courses/")
        with django_capture_on_commit_callbacks(execute=True):
            CourseRating.objects.create(membership=membership, course=course, rating=5, review="Wonderful walks")
        assert "Wonderful walks" in client.get(course.url).text
        assert client.get("/courses/?sort=rating")[HIT_HEADER] == "miss"
        assert client.get(other.url)[HIT_HEADER] == "hit"
        assert client.get("/courses/")[HIT_HEADER] == "hit"

    @pytest.mark.parametrize("action", ["hide", "reply"])
    def test_hiding_or_replying_purges_the_course_page(self, course, django_capture_on_commit_callbacks, action):
        rating = rate(course, [2], review="Too fast for me.")[0]
        client = Client()
        self.warm(client, course.url)
        with django_capture_on_commit_callbacks(execute=True):
            if action == "hide":
                services.course_rating_hide(rating=rating, by=site_editor())
            else:
                services.course_rating_reply(rating=rating, by=maintainer_of(course), text="We slowed it down.")
        response = client.get(course.url)
        assert response[HIT_HEADER] == "miss"
        assert ("Too fast for me." in response.text) == (action == "reply")
