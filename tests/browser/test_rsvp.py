"""A member answers "Going" for the next meeting on the circle's page; the facilitator sees the count.

Every page the browser loads is audited by axe-core (see conftest.py).
"""

import re

from tests.browser.conftest import axe_settled, switch_to, visit
from tests.cohorts.factories import join, make_circle, make_course
from tests.factories import UserFactory


def test_a_member_says_going_and_the_facilitator_sees_it(page, live_server, site_tree):
    facilitator = UserFactory(display_name="Amara Okafor")
    learner = UserFactory(display_name="Bruno Silva")
    circle = make_circle(course=make_course(title="Community gardening"), facilitator=facilitator)
    join(circle, learner)
    first = circle.meetings.order_by("starts_at").first()
    circle_url = f"{live_server.url}{circle.get_absolute_url()}"

    switch_to(page, live_server, learner)
    visit(page, circle_url)
    meeting = page.get_by_role("group", name=re.compile(rf"^Meeting {first.number},"))
    # By keyboard, as anyone may answer.
    meeting.get_by_role("button", name="Going", exact=True).focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*#rsvp$"))
    axe_settled(page)
    assert page.get_by_text("Your answer: Going.").first.is_visible()

    switch_to(page, live_server, facilitator)
    visit(page, f"{live_server.url}{circle.get_manage_url()}")
    answers = page.locator(f"#rsvp-{first.pk} + dl")
    assert answers.locator('[data-answer="going"]').inner_text() == "1"
    assert "Bruno Silva" in answers.inner_text()
