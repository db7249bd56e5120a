"""A visitor browses the public pages by keyboard and on a phone; axe audits each page."""

from tests.browser.conftest import axe_after, axe_settled


def test_visitor_reaches_search_from_the_header_by_keyboard(page, home_page):
    page.goto("/")
    axe_settled(page)
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "Skip to content"
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Search").click()
    page.wait_for_url("**/search/")
    axe_settled(page)
    page.get_by_label("Search courses, modules and pages").fill("circle")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=circle")
    axe_settled(page)
    assert page.get_by_role("heading", name="Results for “circle”").is_visible()


def test_phone_visitor_opens_the_menu(page, home_page):
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto("/")
    axe_settled(page)
    menu = page.get_by_role("button", name="Menu")
    assert menu.get_attribute("aria-expanded") == "false"
    menu.click()
    assert menu.get_attribute("aria-expanded") == "true"
    assert page.get_by_role("navigation", name="Main").get_by_role("link", name="Courses").is_visible()
    axe_after(page, "opening the menu")


def test_missing_page_is_friendly(page, home_page):
    page.goto("/no-such-page/")
    axe_settled(page)
    assert page.get_by_role("heading", name="We couldn't find that page").is_visible()
