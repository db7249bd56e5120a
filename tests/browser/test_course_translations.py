"""A visitor reads the demo data literacy course in English, follows its link to the Spanish version, and
comes back by the Spanish page's link; at 320 px and by keyboard. axe audits every page."""

from home.seed import seed_people
from home.seed_courses import seed_courses
from home.seed_translations import seed_translations
from tests.browser.conftest import axe_settled


def test_a_visitor_opens_the_spanish_course_from_the_english_ones_language_links(page, home_page):
    seed_people()
    seed_courses()
    seed_translations()
    page.set_viewport_size({"width": 320, "height": 740})

    page.goto("/courses/introduction-to-data-literacy/")
    axe_settled(page)
    languages = page.get_by_role("navigation", name="This course in other languages")
    spanish = languages.get_by_role("link", name="español")
    assert spanish.get_attribute("hreflang") == "es"
    assert spanish.get_attribute("lang") == "es"
    spanish.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/courses/introduccion-a-la-alfabetizacion-de-datos/")
    axe_settled(page)
    assert page.get_by_role("heading", level=1, name="Introducción a la alfabetización de datos").is_visible()
    assert page.get_by_role("link", name="De dónde salen los números").is_visible()

    page.get_by_role("navigation", name="This course in other languages").get_by_role("link", name="English").click()
    page.wait_for_url("**/courses/introduction-to-data-literacy/")
    axe_settled(page)

    page.goto("/courses/?language=es")
    axe_settled(page)
    card = page.get_by_role("listitem").filter(has_text="Introducción a la alfabetización de datos")
    assert card.get_by_role("link", name="English").get_attribute("hreflang") == "en"
