"""Two learners and a facilitator talk about a meeting, by keyboard: a mention reaches its person, a post is
flagged and hidden, and the discussion under a module's question shows only to the circle's members.

Every page the browser loads is audited by axe-core (see conftest.py).
"""

import re

from cohorts.models import Post, PostFlag
from tests.browser.conftest import activate, axe_settled, sign_in_with_the_form, switch_to, visit
from tests.cohorts.discussions.setup import QUESTION_ID, discussion_circle
from tests.factories import UserFactory


def type_into(page, label, text):
    page.get_by_label(label, exact=True).focus()
    page.keyboard.type(text)


def test_a_circle_talks_about_a_meeting(page, live_server, site_tree):
    dc = discussion_circle()
    base = live_server.url
    meeting = dc.circle.meetings.order_by("number").first()

    # Ann opens the conversation for meeting 1 and mentions Bob.
    sign_in_with_the_form(page, dc.ann)
    visit(page, f"{base}{meeting.get_absolute_url()}")
    activate(page, "Start the conversation before and after meeting 1", role="link")
    type_into(page, "Your reply", "Looking forward to it. @bob could you bring the notes?")
    activate(page, "Post")
    assert page.get_by_role("heading", name="Before and after meeting 1").is_visible()
    assert page.get_by_role("link", name="@bob").is_visible()

    # Bob hears about the mention, follows it, and answers rudely.
    switch_to(page, live_server, dc.bob)
    visit(page, f"{base}/notifications/")
    activate(page, "Ann Learner mentioned you in “Before and after meeting 1”")
    axe_settled(page)
    assert page.get_by_text("could you bring the notes?").is_visible()
    type_into(page, "Your reply", "Bring them yourself, lazybones.")
    activate(page, "Post reply")
    rude = Post.objects.get(body__contains="lazybones")

    # Ann flags it.
    switch_to(page, live_server, dc.ann)
    visit(page, f"{base}{rude.thread.get_absolute_url()}")
    activate(page, "Flag the post by Bob Learner", role="link")
    page.get_by_role("radio", name="Unkind or disrespectful").focus()
    page.keyboard.press("Space")
    activate(page, "Send to the moderators")
    assert page.get_by_text("The moderators will look at the post.").is_visible()
    assert PostFlag.objects.filter(post=rude).exists()

    # The facilitator sees the flag and hides the post with a reason.
    switch_to(page, live_server, dc.facilitator)
    visit(page, f"{base}/notifications/")
    assert page.get_by_role("button", name="A discussion post was flagged in Evening circle", exact=True).is_visible()
    visit(page, f"{base}/circles/{dc.circle.pk}/discussion/flags/")
    activate(page, "Hide the post", role="link")
    type_into(page, "Why are you hiding it?", "Please keep it kind.")
    activate(page, "Hide post")
    assert page.get_by_text("The post is hidden; its author can see why.").is_visible()

    # Ann no longer sees the words; Bob sees them with the reason.
    switch_to(page, live_server, dc.ann)
    visit(page, f"{base}{rude.thread.get_absolute_url()}")
    assert page.get_by_text("Hidden by a facilitator.").is_visible()
    assert page.get_by_text("lazybones").count() == 0
    switch_to(page, live_server, dc.bob)
    visit(page, f"{base}{rude.thread.get_absolute_url()}")
    assert page.get_by_text("Reason: Please keep it kind.").is_visible()

    # Under the module's discussion question: the circle's thread, for members only.
    module_url = f"{base}/circles/{dc.circle.pk}/modules/{dc.module.pk}/"
    visit(page, module_url)
    activate(page, "Discuss this question with your circle", role="link")
    type_into(page, "Your reply", "Knowing each other's names.")
    activate(page, "Post")
    assert page.get_by_text("Knowing each other's names.").is_visible()

    switch_to(page, live_server, UserFactory())
    visit(page, f"{base}{dc.module.url}")
    assert page.get_by_text("What helps a group?").is_visible()
    assert page.get_by_role("link", name=re.compile("Discuss this question|discussion of this question")).count() == 0
    response = page.goto(f"{base}/circles/{dc.circle.pk}/discussion/modules/{dc.module.pk}/blocks/{QUESTION_ID}/")
    axe_settled(page)
    assert response.status == 404
