"""Four learners hand in work, reviews go out, everyone reviews and reads their scores; a flag is moderated.

Every page the browser loads is audited by axe-core (see conftest.py).
"""

import re

from cohorts.models import Review, ReviewAssignment, Submission
from tests.browser.conftest import axe_after, axe_settled, press, sign_in_with_the_form, switch_to, visit
from tests.cohorts.review_setup import review_circle

NAMES = ("Ana Alves", "Bea Berg", "Cai Chen", "Dev Das")


def test_four_learners_review_each_other_and_a_flag_is_moderated(page, live_server, site_tree):
    rc = review_circle(learners=4, k=2, names=NAMES)
    module_url = f"{live_server.url}{rc.circle.pinned_modules.get(module=rc.module).get_absolute_url()}"

    # Everyone hands in their work from the module, as the circle follows it.
    for number, learner in enumerate(rc.learners):
        if number == 0:
            sign_in_with_the_form(page, learner)
        else:
            switch_to(page, live_server, learner)
        visit(page, module_url)
        press(page, "Submit work", role="link")
        page.get_by_role("textbox", name="Your work").fill(
            f"Plan by {learner.get_display_name()}:\n- a goal\n- three steps"
        )
        press(page, "Submit work")
        page.wait_for_url(re.compile(r".*/submissions/\d+/$"))
        assert page.get_by_text("Your work is submitted").is_visible()

    # The facilitator hands out the reviews now rather than waiting for the deadline.
    sign_in_with_the_form(page, rc.facilitator)
    visit(page, f"{live_server.url}/circles/{rc.circle.pk}/reviews/")
    press(page, "Share your plan", role="link")
    press(page, "Progress of every learner", role="link")
    press(page, "Hand out reviews now")
    assert page.get_by_text("Reviews are handed out").is_visible()
    assert ReviewAssignment.objects.count() == 8

    # Each learner does their two reviews from “My learning”.
    for learner in rc.learners:
        switch_to(page, live_server, learner)
        for _ in range(2):
            visit(page, f"{live_server.url}/me/")
            page.get_by_role("link", name=re.compile(r"^Review for")).first.click()
            page.wait_for_load_state()
            axe_settled(page)
            page.get_by_role("group", name="Clarity").get_by_label("Level 4", exact=False).check()
            page.get_by_role("group", name="Evidence").get_by_label("Level 3", exact=False).check()
            page.get_by_label("Comment on “Clarity”").fill("The goal is easy to follow.")
            page.get_by_label("Overall comment").fill(f"Kind words from a peer of {learner.get_display_name()}.")
            press(page, "Submit review")
            assert page.get_by_text("your review is submitted").is_visible()
        visit(page, f"{live_server.url}/me/")
        assert page.get_by_text("No reviews waiting for you").is_visible()

    # Each learner reads their scores and the comments on their work.
    for learner in rc.learners:
        switch_to(page, live_server, learner)
        visit(page, f"{live_server.url}{Submission.objects.get(authors__user=learner).get_absolute_url()}")
        assert page.get_by_role("heading", name="Your scores").is_visible()
        assert page.get_by_role("cell", name=re.compile(r"4 of 5")).first.is_visible()
        assert page.get_by_text("The goal is easy to follow.").first.is_visible()
        assert page.get_by_text("2 reviews counted: Reviewer 1, Reviewer 2.").is_visible()

    # One of them flags a review as inappropriate.
    author = rc.learners[0]
    switch_to(page, live_server, author)
    visit(page, f"{live_server.url}{Submission.objects.get(authors__user=author).get_absolute_url()}")
    press(page, "Flag as inappropriate (Reviewer 1)", role="link")
    page.get_by_label("Rude, hurtful or personal").check()
    page.get_by_label("Tell the facilitators more").fill("It mocks my plan instead of helping.")
    press(page, "Send to the facilitators")
    assert page.get_by_text("The facilitators will look at this review").is_visible()

    # The facilitator hides it and asks someone else for another review.
    switch_to(page, live_server, rc.facilitator)
    visit(page, f"{live_server.url}/circles/{rc.circle.pk}/moderation/")
    assert page.get_by_text("It mocks my plan instead of helping.").is_visible()
    page.get_by_label("Hide the review").check()
    page.get_by_label("Ask someone else for another review").check()
    page.get_by_label("Note").fill("Hidden; a fresh review is on its way.")
    page.get_by_role("button", name=re.compile(r"^Done")).click()
    page.wait_for_load_state()
    axe_settled(page)
    assert page.get_by_text("The flag is dealt with.").is_visible()
    assert page.get_by_text("No flags waiting.").is_visible()
    hidden = Review.objects.get(hidden_at__isnull=False)
    replacement = ReviewAssignment.objects.get(source="replacement")
    assert replacement.submission == hidden.submission and replacement.reviewer not in (author, hidden.reviewer)

    switch_to(page, live_server, author)
    visit(page, f"{live_server.url}{hidden.submission.get_absolute_url()}")
    assert page.get_by_text("1 review was hidden by a facilitator after a flag.").is_visible()
    assert page.get_by_text("Their note: “Hidden; a fresh review is on its way.”", exact=False).is_visible()


def test_the_other_peer_review_pages_pass_axe(page, live_server, site_tree):
    from cohorts.review import services
    from tests.cohorts.review_setup import hand_in, review_done

    rc = review_circle(learners=3, k=2, rolling=True, submission_type="link")
    for learner in rc.learners:
        hand_in(rc, learner, link=f"https://example.org/{learner.username}", text="See the chart.")
    lease = services.review_request_next(activity=rc.activity(), user=rc.learners[0])
    review_done(lease)
    base = live_server.url

    # A learner: the rolling “Review” button, a form with errors, and a phone-sized screen.
    switch_to(page, live_server, rc.learners[1])
    visit(page, f"{base}{rc.activity_url}")
    assert page.get_by_role("button", name="Review", exact=True).is_visible()
    page.get_by_text("Revise your work").click()
    axe_after(page, "opening “Revise your work”")
    page.get_by_label("Link to your work").fill("not a link")
    press(page, "Submit work")
    assert page.get_by_text("Enter a valid URL.").is_visible()
    page.set_viewport_size({"width": 390, "height": 844})
    press(page, "Review")
    page.wait_for_url(re.compile(r".*/reviews/\d+/$"))
    press(page, "Submit review")
    assert page.get_by_text("Choose a level for “Clarity”.").is_visible()
    page.set_viewport_size({"width": 1280, "height": 900})

    # The facilitator: the work with its reviewers named, and reviewing it themselves.
    switch_to(page, live_server, rc.facilitator)
    visit(page, f"{base}{lease.submission.get_absolute_url()}")
    assert page.get_by_role("heading", name=rc.learners[0].get_display_name()).is_visible()
    press(page, "Review it yourself")
    assert page.get_by_text("your scores are the reference").is_visible()
    visit(page, f"{base}/circles/{rc.circle.pk}/activities/{rc.activity().pk}/progress/")
    visit(page, f"{base}/circles/{rc.circle.pk}/moderation/")
