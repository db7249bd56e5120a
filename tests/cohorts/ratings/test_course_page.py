"""Ratings and reviews on the course page, in its JSON-LD and in the catalog's order."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cohorts.models import CircleState
from cohorts.ratings.wagtail_hooks import REVIEWS_PER_PAGE
from tests.cohorts.factories import make_course
from tests.factories import UserFactory

from .setup import maintainer_of, rate

pytestmark = pytest.mark.django_db


def queries_for(client, url: str) -> int:
    client.get(url)  # warm up: site root paths and the like are cached on the first view
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def json_ld(response) -> dict:
    match = re.search(rb'<script type="application/ld\+json">(.*?)</script>', response.content, re.S)
    assert match, "the page has no JSON-LD"
    return json.loads(match.group(1))


def reviews_section(response) -> str:
    match = re.search(r'<section aria-labelledby="reviews-heading".*?</section>', response.text, re.S)
    assert match, "the page has no reviews"
    return match.group(0)


class TestCoursePage:
    def test_shows_the_average_to_one_decimal_and_how_many_rated(self, client, course):
        rate(course, [5, 4, 4, 4])  # 4.25
        response = client.get(course.url)
        text = " ".join(response.text.split())
        assert "4.3 out of 5, from 4 ratings" in text
        assert '<span class="stars" aria-hidden="true">★★★★☆</span>' in response.text

    def test_one_rating_is_singular(self, client, course):
        rate(course, [3])
        assert "3.0 out of 5, from 1 rating<" in " ".join(client.get(course.url).text.split()).replace(" <", "<")

    def test_a_course_without_ratings_shows_no_rating_and_no_reviews(self, client, course):
        response = client.get(course.url)
        assert "out of 5" not in response.text
        assert 'id="reviews"' not in response.text

    def test_reviews_show_the_name_only_when_the_reviewer_chose_to(self, client, course):
        named = UserFactory(display_name="Amara Okafor")
        anonymous = UserFactory(display_name="Chen Wei")
        rate(course, [5], review="Loved the river walks.", show_name=True, people=[named])
        rate(course, [2], review="Too fast for me.", people=[anonymous])
        section = reviews_section(client.get(course.url))
        assert "Amara Okafor" in section and "Loved the river walks." in section
        assert "Chen Wei" not in section and "A learner" in section and "Too fast for me." in section
        assert "Rated 2 out of 5" in section

    def test_hidden_ratings_and_unfinished_circles_count_for_nothing(self, client, course, django_user_model):
        visible = rate(course, [4], review="Shown")
        hidden = rate(course, [1], review="Rude words")[0]
        hidden.hidden_at = hidden.created_at
        hidden.save()
        rate(course, [1], review="Still running", state=CircleState.RUNNING)
        response = client.get(course.url)
        section = reviews_section(response)
        assert "Shown" in section and "Rude words" not in section and "Still running" not in section
        assert "4.0 out of 5, from 1 rating" in " ".join(response.text.split())
        assert visible

    def test_ratings_without_words_count_but_are_not_listed(self, client, course):
        rate(course, [5, 3], review="")
        response = client.get(course.url)
        assert "4.0 out of 5, from 2 ratings" in " ".join(response.text.split())
        assert 'class="review-list"' not in response.text

    def test_reviews_come_a_page_at_a_time_newest_first(self, client, course):
        ratings = rate(course, [4] * (REVIEWS_PER_PAGE + 2))
        first = client.get(course.url)
        ids = re.findall(r'<li id="review-(\d+)"', first.text)
        assert ids[0] == str(ratings[-1].pk) and len(ids) == REVIEWS_PER_PAGE
        assert "?reviews=2#reviews" in first.text
        second = client.get(course.url, {"reviews": 2})
        assert re.findall(r'<li id="review-(\d+)"', second.text) == [str(ratings[1].pk), str(ratings[0].pk)]

    def test_review_text_is_escaped(self, client, course):
        rate(course, [1], review="<script>alert(1)</script>")
        assert "<script>alert(1)</script>" not in reviews_section(client.get(course.url))

    def test_signed_in_readers_get_a_flag_link_but_not_on_their_own_review(self, client, course):
        reviewer = UserFactory()
        mine = rate(course, [4], people=[reviewer])[0]
        theirs = rate(course, [3])[0]
        client.force_login(reviewer)
        section = reviews_section(client.get(course.url))
        assert f"/circles/ratings/{theirs.pk}/flag/" in section
        assert f"/circles/ratings/{mine.pk}/flag/" not in section
        assert "/reply/" not in section

    def test_anonymous_readers_get_no_actions(self, client, course):
        rate(course, [4])
        section = reviews_section(client.get(course.url))
        assert "/flag/" not in section and "/reply/" not in section

    def test_maintainers_get_a_reply_link(self, client, course):
        rating = rate(course, [4])[0]
        client.force_login(maintainer_of(course))
        assert f"/circles/ratings/{rating.pk}/reply/" in reviews_section(client.get(course.url))

    @pytest.mark.parametrize("signed_in", [False, True])
    def test_query_count_does_not_grow_with_the_number_of_ratings(self, client, course, signed_in):
        if signed_in:
            client.force_login(maintainer_of(course))
        rate(course, [4, 5], show_name=True)
        few = queries_for(client, course.url)
        rate(course, [3] * 15, show_name=True)
        rate(course, [2] * 15)
        many = queries_for(client, course.url)
        assert few == many, f"{few} queries for 2 ratings, {many} for 32"


class TestJsonLd:
    def test_has_an_aggregate_rating_once_rated(self, client, course):
        rate(course, [5, 4, 4, 4])
        assert json_ld(client.get(course.url))["aggregateRating"] == {
            "@type": "AggregateRating",
            "ratingValue": 4.3,
            "ratingCount": 4,
            "bestRating": 5,
            "worstRating": 1,
        }

    def test_has_none_without_a_visible_rating(self, client, course):
        rating = rate(course, [5])[0]
        rating.hidden_at = rating.created_at
        rating.save()
        data = json_ld(client.get(course.url))
        assert "aggregateRating" not in data
        assert data["name"] == course.title


class TestCatalogSort:
    def titles(self, client, **params) -> list[str]:
        response = client.get("/courses/", params)
        assert response.status_code == 200
        return [course.title for course in response.context["courses"]]

    @pytest.fixture
    def courses(self, site_tree):
        good = make_course(modules=0, title="Beekeeping")
        best = make_course(modules=0, title="Astronomy")
        unrated = make_course(modules=0, title="Cooking")
        rate(good, [4, 3])
        rate(best, [5, 5])
        hidden = rate(unrated, [5])[0]
        hidden.hidden_at = hidden.created_at
        hidden.save()
        return good, best, unrated

    def test_highest_rated_first_and_unrated_last(self, client, courses):
        assert self.titles(client, sort="rating") == ["Astronomy", "Beekeeping", "Cooking"]

    def test_by_title_and_newest(self, client, courses):
        assert self.titles(client, sort="title") == ["Astronomy", "Beekeeping", "Cooking"]
        assert self.titles(client, sort="newest") == ["Cooking", "Astronomy", "Beekeeping"]

    def test_the_sort_select_is_labelled_and_offers_rating(self, client, courses):
        response = client.get("/courses/")
        assert '<label for="id_sort">Sort by</label>' in response.text
        assert '<option value="rating">Highest rated</option>' in response.text

    def test_rating_order_applies_to_search_results(self, client, courses):
        for course in courses:
            course.summary = "Under the open sky."
            course.save_revision().publish()
        assert self.titles(client, q="sky", sort="rating") == ["Astronomy", "Beekeeping", "Cooking"]

    def test_query_count_does_not_grow_with_the_number_of_rated_courses(self, client, site_tree):
        for n in range(3):
            rate(make_course(modules=0, title=f"Few {n}"), [n + 1])
        few = queries_for(client, "/courses/?sort=rating")
        for n in range(12):
            rate(make_course(modules=0, title=f"Many {n}"), [n % 5 + 1, 3])
        many = queries_for(client, "/courses/?sort=rating")
        assert few == many, f"{few} queries for 3 courses, {many} for 15"
