"""A reviewer comments on passages by keyboard, the author replies and appeals, the facilitator decides.

Every page the browser loads is audited by axe-core at 1280 and 320 px (see conftest.py).
"""

import re

from cohorts.models import FinalScore, InlineComment, ReviewAssignment, ScoreAppeal
from tests.browser.conftest import activate, axe_after, axe_settled, switch_to, visit
from tests.cohorts.review_conversation import assignment_on, reviewed_circle, reviewers_of
from tests.cohorts.review_setup import review_done


def test_inline_comments_replies_an_appeal_and_a_final_score(page, live_server, site_tree):
    rc, work = reviewed_circle(learners=5)
    author = rc.learners[0]
    reviewer = reviewers_of(work[0])[0]
    for assignment in ReviewAssignment.objects.exclude(pk=assignment_on(work[0], reviewer).pk).order_by("pk"):
        review_done(assignment, levels=(2, 3))
    base = live_server.url

    # The reviewer chooses a passage from the numbered list with the keyboard alone.
    switch_to(page, live_server, reviewer)
    own = assignment_on(work[0], reviewer)
    visit(page, f"{base}{own.get_absolute_url()}")
    passage = page.get_by_label("Passage", exact=True)
    passage.focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert passage.input_value() == "2"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.type("Which day of the week?")
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    axe_settled(page)
    assert page.get_by_text("Your comment is added beside the passage.").is_visible()
    assert page.locator("mark.inline-mark").first.is_visible()
    assert InlineComment.objects.get().quote.startswith("We meet")

    # With the script, words selected in the text become the quote (a selection made by the keyboard
    # with caret browsing is the same Selection as this one).
    page.evaluate(
        """() => {
            const items = [...document.querySelectorAll('#work-text li')];
            const item = items.find((li) => li.textContent.includes('question'));
            const text = item.firstChild;
            const range = document.createRange();
            range.setStart(text, text.textContent.indexOf('share'));
            range.setEnd(text, text.textContent.indexOf('question') + 'question'.length);
            const selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
        }"""
    )
    button = page.get_by_role("button", name="Comment on the selected words")
    button.wait_for()
    axe_after(page, "selecting words in the work")
    button.focus()
    page.keyboard.press("Enter")
    assert page.get_by_label("Exact words").input_value() == "share one question"
    assert page.evaluate("document.activeElement.name") == "body"
    page.keyboard.type("Which question?")
    with page.expect_navigation():
        page.get_by_role("button", name="Add comment").click()
    axe_settled(page)
    assert InlineComment.objects.filter(quote="share one question").exists()

    # The review itself.
    page.get_by_role("group", name="Clarity").get_by_label("Level 2", exact=False).check()
    page.get_by_role("group", name="Evidence").get_by_label("Level 3", exact=False).check()
    page.get_by_label("Overall comment").fill("A good start.")
    activate(page, "Submit review")
    assert page.get_by_text("your review is submitted").is_visible()

    # The author reads the comments in place and replies, on a phone.
    switch_to(page, live_server, author)
    page.set_viewport_size({"width": 320, "height": 800})
    visit(page, f"{base}{work[0].get_absolute_url()}")
    first_mark = page.locator("a.inline-ref").first
    assert re.match(r"Comment 1, by Reviewer \d", first_mark.get_attribute("aria-label"))
    first_mark.focus()
    page.keyboard.press("Enter")
    thread = page.locator(".inline-thread").first
    assert thread.get_by_text("Which day of the week?").is_visible()
    thread.get_by_label("Your reply").fill("Tuesdays, as the module suggests.")
    thread.get_by_role("button", name=re.compile(r"^Reply")).focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    axe_settled(page)
    assert page.get_by_text("Tuesdays, as the module suggests.").is_visible()
    assert reviewer.get_display_name() not in page.content()
    page.set_viewport_size({"width": 1280, "height": 900})

    # The flag page for a comment, then back.
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile(r"^Flag as inappropriate \(Reviewer")).first.click()
    axe_settled(page)
    activate(page, "Cancel", role="link")

    # The author appeals.
    activate(page, "Appeal this score", role="link")
    page.get_by_label("What did the score miss?").fill("The second criterion ignored my timings.")
    activate(page, "Send the appeal")
    assert page.get_by_text("Your appeal is sent").is_visible()
    appeal = ScoreAppeal.objects.get()
    review_done(appeal.extra_assignment, levels=(4, 4))

    # The facilitator decides on the appeal, then sets another piece of work's final score.
    switch_to(page, live_server, rc.facilitator)
    visit(page, f"{base}/circles/{rc.circle.pk}/appeals/")
    activate(page, f"{author.get_display_name()} on “Share your plan”", role="link")
    page.get_by_label("The score was changed").check()
    page.get_by_label("Clarity").select_option("4")
    page.get_by_label("Evidence").select_option("4")
    page.get_by_label("Your answer to the authors").fill("The extra review agrees: the timings are there.")
    activate(page, "Close the appeal")
    assert page.get_by_text("The appeal is closed").is_visible()

    visit(page, f"{base}{work[1].get_absolute_url()}")
    activate(page, "Set the final score", role="link")
    page.get_by_label("Clarity").select_option("3")
    page.get_by_label("Evidence").select_option("5")
    page.get_by_label("Why").fill("Two reviews missed the evidence section.")
    activate(page, "Set the final score")
    assert page.get_by_text("The final score is set").is_visible()
    assert FinalScore.objects.count() == 2
    visit(page, f"{base}/circles/{rc.circle.pk}/moderation/comments/")

    # The author sees the outcome.
    switch_to(page, live_server, author)
    visit(page, f"{base}{work[0].get_absolute_url()}")
    assert page.get_by_text("Outcome: the score was changed.").is_visible()
    assert page.get_by_role("heading", name="Final score").is_visible()
