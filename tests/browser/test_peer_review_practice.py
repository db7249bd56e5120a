"""A learner practises on the facilitator's examples, reviews, scores their own work and reads how their
self-scores compare with their reviewers'. Every page the browser loads is audited by axe-core."""

import re

from cohorts.models import CalibrationExample, ReviewAssignment, Submission
from cohorts.review import services
from tests.browser.conftest import axe_settled, press, sign_in_with_the_form, switch_to, visit
from tests.cohorts.review_setup import hand_in, review_circle, review_done

NAMES = ("Ana Alves", "Bea Berg", "Cai Chen")


def choose_levels(page, clarity: int, evidence: int):
    page.get_by_role("group", name="Clarity").get_by_label(f"Level {clarity}", exact=False).check()
    page.get_by_role("group", name="Evidence").get_by_label(f"Level {evidence}", exact=False).check()


def test_a_learner_calibrates_reviews_and_compares_their_self_assessment(page, live_server, site_tree):
    rc = review_circle(learners=3, k=2, names=NAMES, self_assessment=True, calibration=True)
    ana, bea, cai = rc.learners
    for learner in rc.learners:
        hand_in(rc, learner, text=f"Plan by {learner.get_display_name()}:\n- a goal\n- three steps")
    base = live_server.url

    # The facilitator gives two examples with reference scores, from the activity page.
    sign_in_with_the_form(page, rc.facilitator)
    visit(page, f"{base}{rc.activity_url}")
    press(page, "Calibration examples", role="link")
    for title, clarity, evidence in (("A clear plan", 5, 2), ("A vague plan", 2, 3)):
        press(page, "Add an example", role="link")
        page.get_by_label("Title").fill(title)
        page.get_by_label("The example work").fill(f"{title}: meet on Mondays.")
        choose_levels(page, clarity, evidence)
        page.get_by_label("Comment on “Clarity”").fill(f"Clarity note for {title.lower()}.")
        press(page, "Save example")
        assert page.get_by_text("The example is saved.").is_visible()
    assert CalibrationExample.objects.count() == 2
    services.reviews_allocate_at_deadline(activity=rc.activity(), by=rc.facilitator)

    # The others calibrate and review Ana's work (and each other's) through the services.
    for learner in (bea, cai):
        for example in CalibrationExample.objects.all():
            services.calibration_attempt_submit(
                example=example, by=learner, scores=dict(zip(rc.criterion_ids(), (3, 3), strict=True))
            )
        for assignment in ReviewAssignment.objects.filter(reviewer=learner):
            review_done(assignment, levels=(3, 4))

    # Ana must practise first: the review sends her to the examples.
    switch_to(page, live_server, ana)
    visit(page, f"{base}{rc.activity_url}")
    assert page.get_by_text("Before your first review, practise").is_visible()
    press(page, "Practise on the examples", role="link")
    press(page, "A clear plan", role="link")
    assert page.get_by_text("Clarity note for a clear plan.").count() == 0
    choose_levels(page, 4, 2)
    press(page, "Compare with the facilitators")
    assert page.get_by_role("heading", name="Your scores beside the facilitators'").is_visible()
    assert page.get_by_text("Clarity note for a clear plan.").is_visible()
    assert page.get_by_role("cell", name="1 level lower").is_visible()
    assert page.get_by_role("cell", name="Same level").is_visible()
    press(page, "Next example", role="link")
    choose_levels(page, 2, 3)
    press(page, "Compare with the facilitators")
    press(page, "Back to the examples", role="link")
    assert page.get_by_text("You have scored every example").is_visible()
    assert page.get_by_text("Your accuracy across the examples: 94%").is_visible()

    # Now she reviews.
    press(page, "Go to your reviews", role="link")
    for _ in range(2):
        page.get_by_role("link", name=re.compile(r"^Review number")).first.click()
        page.wait_for_load_state()
        axe_settled(page)
        choose_levels(page, 4, 3)
        page.get_by_label("Overall comment").fill("A clear goal; add a date to each step.")
        press(page, "Submit review")
        assert page.get_by_text("your review is submitted").is_visible()

    # She scores her own work before reading her reviews, then sees the comparison.
    visit(page, f"{base}{Submission.objects.get(authors__user=ana).get_absolute_url()}")
    assert page.get_by_role("heading", name="Score your own work").is_visible()
    assert page.get_by_role("heading", name="Reviews").count() == 0
    choose_levels(page, 5, 4)
    page.get_by_label("A note to yourself").fill("Next time: a date for each step.")
    press(page, "Save my scores and read my reviews")
    assert page.get_by_role("heading", name="Your scores").is_visible()
    comparison = page.get_by_role("region", name="Your own scores beside your reviewers'")
    assert comparison.get_by_role("cell", name="Generous by 2 levels").is_visible()
    assert comparison.get_by_role("cell", name="Close").is_visible()
    assert page.get_by_text("You scored your work higher than your reviewers did on “Clarity”").is_visible()
    assert page.get_by_text("Next time: a date for each step.").is_visible()

    # The facilitator sees how close each learner came on the examples.
    switch_to(page, live_server, rc.facilitator)
    visit(page, f"{base}{rc.activity_url}calibration/")
    learners = page.get_by_role("region", name="How close learners came")
    assert learners.get_by_role("row", name=re.compile(r"^Ana Alves 2 94%")).is_visible()
