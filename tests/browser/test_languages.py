"""The footer's language switcher, with and without JavaScript; Arabic reads right to left at every width."""

from tests.browser.conftest import DESKTOP, axe_settled


def test_the_switcher_changes_language_on_choice_and_arabic_mirrors_the_page(page, home_page):
    page.goto("/?page=2")
    axe_settled(page)
    # With JavaScript the choice submits by itself; the page comes back in Spanish, at the same address.
    with page.expect_navigation():
        page.get_by_label("Language").select_option("es")
    page.wait_for_url("**/?page=2")
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.get_by_role("link", name="Círculos de estudio").first.is_visible()
    axe_settled(page)

    with page.expect_navigation():
        page.get_by_label("Idioma").select_option("ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    # axe_settled audits at 320 px too, where sideways scrolling fails the test.
    axe_settled(page)
    page.goto("/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    axe_settled(page)


def test_the_switcher_works_without_javascript(browser, live_server, home_page):
    context = browser.new_context(base_url=live_server.url, viewport=DESKTOP, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/?page=2")
        page.get_by_label("Language").select_option("fr")
        assert page.locator("html").get_attribute("lang") == "en"  # nothing happens until the button
        with page.expect_navigation():
            page.get_by_role("button", name="Change language").click()
        page.wait_for_url("**/?page=2")
        assert page.locator("html").get_attribute("lang") == "fr"
        assert page.get_by_role("button", name="Changer de langue").is_visible()
    finally:
        context.close()
