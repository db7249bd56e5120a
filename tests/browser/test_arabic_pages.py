"""The main pages for a visitor whose browser asks for Arabic: marked Arabic and right to left, accessible (axe),
no sideways scrolling on a 320 px phone, and no English phrase from the Arabic catalogue in what they show
(tests/browser/untranslated.py)."""

import pytest

from tests.browser.conftest import audited_session, axe_settled
from tests.browser.untranslated import UntranslatedEnglish
from tests.cohorts.factories import make_circle
from tests.courses.factories import CoursePageFactory, ModulePageFactory, text_block
from tests.factories import UserFactory

PHONE = {"width": 320, "height": 640}


@pytest.fixture
def arabic_page(browser, live_server, axe_audit, settings):
    with audited_session(browser, live_server, axe_audit, settings, locale="ar-EG") as page:
        yield page


@pytest.fixture
def arabic_circle(site_tree):
    course = CoursePageFactory(
        title="الحدائق المجتمعية",
        slug="community-gardens-ar",
        summary="كيف تبدأ حديقة مع جيرانك.",
        description="<p>دورة لنتعلم معًا الزراعة في المدينة.</p>",
        outcomes=[("outcome", "تخطيط حديقة"), ("outcome", "مشاركة المحصول")],
        language="ar",
    )
    ModulePageFactory(
        parent=course,
        title="الجزء الأول",
        slug="community-gardens-ar-part-1",
        summary="ما يغطيه هذا الجزء.",
        objectives=[("objective", "اشرح الفكرة بكلماتك")],
        body=[text_block("<p>اقرأ الجزء الأول ثم ناقشه.</p>")],
    )
    return make_circle(
        course=course,
        facilitator=UserFactory(display_name="ليلى حداد"),
        name="مزارعو يوم الثلاثاء",
        description="نلتقي كل أسبوع لنتقدم في الدورة.",
        language="ar",
        weeks=2,
    )


def test_the_main_pages_read_right_to_left_in_arabic_and_fit_a_phone(arabic_page, arabic_circle):
    page, circle = arabic_page, arabic_circle
    course = circle.course
    reader = UntranslatedEnglish("ar")
    addresses = (
        "/",
        "/courses/",
        course.url,
        course.get_children().first().url,
        "/circles/",
        circle.get_absolute_url(),
        "/accounts/signup/",
        "/accounts/login/",
    )
    too_wide = []
    for address in addresses:
        page.goto(address)
        # axe at the desktop's width and the phone's (tests/browser/conftest.py), then the width itself.
        axe_settled(page)
        html = page.locator("html")
        assert (html.get_attribute("lang"), html.get_attribute("dir")) == ("ar", "rtl"), address
        reader.read_page(page)
        desktop = page.viewport_size
        page.set_viewport_size(PHONE)
        widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        if widths[0] > widths[1]:
            too_wide.append(f"{address}: {widths[0]} px of content in {widths[1]} px")
        page.set_viewport_size(desktop)
    assert not too_wide, "Scrolls sideways at 320 px:\n" + "\n".join(too_wide)
    reader.assert_none()
