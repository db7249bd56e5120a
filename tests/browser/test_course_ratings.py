"""A course page shows what people who finished a circle thought of the course; a reader flags a review and
a maintainer answers another, by keyboard. Every page the browser loads is audited by axe-core (see conftest.py).
"""

from cohorts.models import CourseRatingFlag
from tests.browser.conftest import axe_settled, sign_in_with_the_form, switch_to
from tests.cohorts.factories import make_course
from tests.cohorts.ratings.setup import maintainer_of, rate
from tests.factories import UserFactory


def visit(page, url):
    page.goto(url)
    axe_settled(page)


def activate(page, name, *, role="button", within=None):
    """Reach a control (inside ``within``, a locator, if given) and press Enter on it, as a keyboard user does."""
    (within or page).get_by_role(role, name=name, exact=True).focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    axe_settled(page)


def test_readers_see_ratings_flag_a_review_and_a_maintainer_replies(page, live_server, site_tree):
    course = make_course(modules=1, title="Mapping rivers", slug="mapping-rivers")
    maintainer = maintainer_of(course)
    rate(course, [5, 4], review="The river walks made it stick.", show_name=True,
         people=[UserFactory(display_name="Amara Okafor"), UserFactory()])  # fmt: skip
    rate(course, [4], review="Module 2 insults people who cannot swim.")
    base = live_server.url

    # A visitor sees the average and the reviews, the stars read out as words.
    visit(page, f"{base}{course.url}")
    assert page.get_by_role("link", name="4.3 out of 5, from 3 ratings").is_visible()
    reviews = page.get_by_role("region", name="Ratings and reviews")
    assert reviews.get_by_text("Amara Okafor").is_visible()
    assert reviews.get_by_text("A learner").is_visible()
    assert reviews.get_by_text("Rated 5 out of 5").count() == 1

    # A reader signs in and flags the insulting review.
    sign_in_with_the_form(page, UserFactory())
    visit(page, f"{base}{course.url}")
    insult = page.locator("li.course-review", has_text="cannot swim")
    activate(page, "Flag this review", role="link", within=insult)
    page.get_by_label("What is wrong with this review?").focus()
    page.keyboard.type("It mocks people who cannot swim.")
    activate(page, "Send to the site editors")
    assert page.get_by_text("Thank you: a site editor will look at this review.").is_visible()
    flag = CourseRatingFlag.objects.get()
    assert flag.rating.review == "Module 2 insults people who cannot swim."

    # A maintainer replies to the signed review; the reply shows under it.
    switch_to(page, live_server, maintainer)
    visit(page, f"{base}{course.url}")
    activate(page, "Reply", role="link", within=page.locator("li.course-review", has_text="Amara Okafor"))
    page.get_by_label("Your reply").focus()
    page.keyboard.type("Thank you! We added a walk to module 3.")
    activate(page, "Publish the reply")
    assert page.get_by_text("Thank you! We added a walk to module 3.").is_visible()
    assert page.get_by_role("link", name="Edit the reply").count() == 1


def test_the_catalog_sorts_by_rating(page, live_server, site_tree):
    rate(make_course(modules=0, title="Beekeeping"), [3])
    rate(make_course(modules=0, title="Astronomy"), [5])
    visit(page, f"{live_server.url}/courses/")
    page.get_by_label("Sort by").select_option("rating")
    activate(page, "Show courses")
    titles = page.locator(".card-grid h3, .card-grid h2").all_inner_texts()
    assert [title.strip() for title in titles][:2] == ["Astronomy", "Beekeeping"]
