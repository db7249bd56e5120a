"""A learner writes a course with a co-author in the Wagtail admin, the co-author reviews and publishes it."""

import re

from django.core import mail

from courses import services
from courses.models import CourseCredit
from tests.browser.conftest import audited_page, axe_after, axe_settled
from tests.courses.factories import course_index, criteria
from tests.factories import DEFAULT_PASSWORD, UserFactory

PASSWORD = "a sturdy passphrase 42"
TITLE = "Composting with neighbours"


def link_in_mail(address: str, pattern: str) -> str:
    message = next(m for m in reversed(mail.outbox) if address in m.to and re.search(pattern, m.body))
    return re.search(rf"https?://\S*{pattern}", message.body).group(0)


def sign_in(page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    axe_settled(page)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/me/")
    axe_settled(page)


def test_learner_writes_a_course_a_co_author_reviews_and_publishes_it(page, browser, live_server, axe_audit, home_page):
    course_index()
    services.rubric_create(title="Peer feedback basics", criteria=criteria("Clarity", "Evidence"))
    co_author = UserFactory(username="bruno", email="bruno@example.org", display_name="Bruno Silva")

    # Amara signs up, confirms her address and signs in.
    page.goto("/accounts/signup/")
    axe_settled(page)
    page.get_by_label("Email").fill("amara@example.org")
    page.get_by_label("Username").fill("amara")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    page.wait_for_url("**/accounts/confirm-email/")
    axe_settled(page)
    page.goto(link_in_mail("amara@example.org", "/accounts/confirm-email/\\S+/"))
    axe_settled(page)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url("**/accounts/login/")
    axe_settled(page)
    sign_in(page, "amara@example.org", PASSWORD)

    # She starts a course from the catalog.
    page.goto("/courses/")
    axe_settled(page)
    page.get_by_role("link", name="Start a course").click()
    page.wait_for_url("**/courses/start/")
    axe_settled(page)
    page.get_by_label("Course title").fill(TITLE)
    page.get_by_label("Summary").fill("Turn kitchen scraps into soil, together with the people next door.")
    page.get_by_role("button", name="Start writing").click()
    page.wait_for_url(re.compile(r".*/admin/pages/\d+/edit/$"))
    axe_settled(page)
    course_id = int(re.search(r"/admin/pages/(\d+)/edit/", page.url).group(1))

    # She adds a module with an activity in the editor.
    page.goto(f"/admin/pages/{course_id}/")
    axe_settled(page)
    page.get_by_role("link", name="Add child page").first.click()
    page.wait_for_url(re.compile(r".*/admin/pages/add/courses/modulepage/\d+/$"))
    axe_settled(page)
    page.locator("#id_title").fill("Week 1: Start a heap")
    body = page.locator("#panel-child-content-body-section")
    body.get_by_role("button", name="Insert a block").first.click()
    page.get_by_role("option", name="Activity").click()
    page.locator("#body-0-value-title").fill("Plan your heap")
    # The prompt is a Draftail rich-text editor: type into it as a person would.
    body.locator("[contenteditable='true']").first.click()
    page.keyboard.type("Sketch where your heap goes and what goes in it.")
    page.locator("#body-0-value-submission_type").select_option("text")
    # The rubric chooser offers site-wide rubrics and the course's own.
    body.get_by_role("button", name="Choose rubric").click()
    chooser = page.get_by_role("dialog")
    chooser.get_by_role("link", name="Peer feedback basics").wait_for()
    axe_after(page, "opening the rubric chooser")
    chooser.get_by_role("link", name="Peer feedback basics").click()
    chooser.wait_for(state="hidden")
    page.get_by_role("button", name="Save draft").click()
    page.wait_for_url(re.compile(r".*/admin/pages/\d+/edit/$"))
    axe_settled(page)
    module_id = int(re.search(r"/admin/pages/(\d+)/edit/", page.url).group(1))

    # She invites Bruno to maintain the course with her.
    page.goto(f"/admin/pages/{course_id}/edit/")
    axe_settled(page)
    page.get_by_role("button", name="Actions").first.click()
    page.get_by_role("link", name="Authors and credits").click()
    page.wait_for_url(f"**/admin/courses/{course_id}/authors/")
    axe_settled(page)
    page.get_by_label("E-mail address").fill("bruno@example.org")
    page.get_by_label("Role").select_option("maintainer")
    page.get_by_role("button", name="Send invitation").click()
    page.wait_for_url(f"**/admin/courses/{course_id}/authors/")
    axe_settled(page)
    assert page.get_by_text("bruno@example.org as maintainer").is_visible()

    # Bruno, in a browser of his own, accepts from the link in his e-mail.
    bruno = audited_page(browser, live_server.url, axe_audit)
    sign_in(bruno, co_author.email, DEFAULT_PASSWORD)
    bruno.goto(link_in_mail(co_author.email, "/courses/invitations/[0-9a-f-]+/"))
    axe_settled(bruno)
    bruno.get_by_role("button", name="Accept invitation").click()
    bruno.wait_for_url(f"**/admin/pages/{course_id}/edit/")
    axe_settled(bruno)

    # Amara submits the course and its module for review.
    for page_id in (course_id, module_id):
        page.goto(f"/admin/pages/{page_id}/edit/")
        axe_settled(page)
        page.get_by_role("button", name="More actions").click()
        page.get_by_role("button", name="Submit for review").click()
        page.wait_for_url(re.compile(r".*/admin/pages/\d+/$"))
        axe_settled(page)

    # Bruno finds them on his dashboard, approves, and that publishes them.
    bruno.goto("/admin/")
    axe_settled(bruno)
    review = bruno.get_by_role("region", name="Awaiting your review")
    for title in (TITLE, "Week 1: Start a heap"):
        review.get_by_role("link", name=title).click()
        bruno.wait_for_url(re.compile(r".*/admin/pages/\d+/edit/$"))
        axe_settled(bruno)
        bruno.get_by_role("button", name="More actions").click()
        bruno.get_by_role("button", name="Approve and Publish", exact=True).click()
        bruno.wait_for_url(re.compile(r".*/admin/pages/\d+/$"))
        axe_settled(bruno)
        bruno.goto("/admin/")
        axe_settled(bruno)
    bruno.context.close()

    # The course is in the catalog and in search, and its pages pass axe.
    page.goto("/courses/")
    axe_settled(page)
    page.get_by_role("link", name=TITLE).click()
    page.wait_for_url("**/courses/composting-with-neighbours/")
    axe_settled(page)
    assert page.get_by_role("heading", name=TITLE, level=1).is_visible()
    page.get_by_role("link", name="Week 1: Start a heap").first.click()
    page.wait_for_url("**/courses/composting-with-neighbours/week-1-start-a-heap/")
    axe_settled(page)
    assert page.get_by_text("Plan your heap").first.is_visible()
    page.goto("/search/?q=composting")
    axe_settled(page)
    assert page.get_by_role("link", name=TITLE).is_visible()

    # A credit waiting for her consent (as after a change of licence) waits on her credits page.
    CourseCredit.objects.filter(course_id=course_id, person__username="amara").update(accepted_at=None)
    page.goto("/courses/credits/")
    axe_settled(page)
    page.get_by_role("button", name=f"Accept the credit on {TITLE}").click()
    page.wait_for_url("**/courses/credits/")
    axe_settled(page)
    assert page.get_by_text("Nothing to accept").is_visible()
