"""Playwright harness: Debian's Chromium against Django's live server, with axe-core on every page.

Every document the browser loads gets axe-core injected by an init script, which runs the audit
when the page has loaded and reports back through an exposed binding. Any serious or critical
violation on any page fails the test, except a short list of Wagtail's own on its admin pages
(WAGTAIL_ADMIN_KNOWN_VIOLATIONS). A page the test left before its audit finished fails it
too, so that no page goes unchecked: wait with `axe_settled(page)` before leaving a page.
"""

import json
import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
BLOCKING_IMPACTS = ("serious", "critical")

# Playwright's sync API runs an event loop in the test thread; the ORM calls tests make for set-up
# are ordinary synchronous calls, so Django's async-safety guard must not refuse them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

AXE_RUNNER = """
(() => {
  if (window.top !== window) return;
  window.__axeDone = false;
  window.addEventListener("load", () => {
    axe.run(document, {resultTypes: ["violations"]}).then((result) => {
      const blocking = result.violations
        .filter((v) => __IMPACTS__.includes(v.impact))
        .map((v) => ({id: v.id, impact: v.impact, help: v.help,
                      targets: v.nodes.slice(0, 5).map((n) => n.target.join(" "))}));
      return window.__reportAxe(location.href, blocking);
    }).finally(() => { window.__axeDone = true; });
  });
})();
""".replace("__IMPACTS__", json.dumps(list(BLOCKING_IMPACTS)))


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def _serialized_database_for_every_connection(django_db_setup):
    """Keep the migrated database's contents (Wagtail's root page, locale, collections, groups) at hand
    for the serialized rollback of every browser test.

    Django keeps them on the connection object it set the test database up with. Once Playwright's
    event loop runs, Django hands the test thread another connection object, which lacks them, so
    after a first browser test had flushed the database the next ones found it empty whenever other
    tests had set the database up first (as in a whole-suite run). On the class, every connection
    object finds them.
    """
    from django.db import connections

    for alias in connections:
        connection = connections[alias]
        if hasattr(connection, "_test_serialized_contents"):
            type(connection)._test_serialized_contents = connection._test_serialized_contents


@pytest.fixture(scope="session")
def browser(_serialized_database_for_every_connection):
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    if not AXE_SCRIPT.exists():
        pytest.skip("axe-core is not installed (npm install)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        yield browser
        browser.close()


# Wagtail's own admin is not ours to change, and Wagtail 8.0 has a few serious findings in widgets its
# JavaScript builds. They are tolerated on /admin/ pages only, by rule and by the element axe reports
# (matched at the end of its selector); any other finding on an admin page, and every finding on the
# public site, fails. (The admin's low-contrast confirmation banner is fixed instead: courses/static/
# courses/css/admin.css.)
WAGTAIL_ADMIN_PATH = "/admin/"
WAGTAIL_ADMIN_KNOWN_VIOLATIONS = {
    # Draftail's editable area is a role="textbox" named only through its field's <label for> of
    # another element.
    ("aria-input-field-name", ".notranslate"),
    # The tag field's typing box (jQuery tag-it) has no label of its own.
    ("label", ".ui-autocomplete-input"),
}


def is_known_wagtail_admin_violation(url: str, violation: dict) -> bool:
    if not urlsplit(url).path.startswith(WAGTAIL_ADMIN_PATH):
        return False
    return all(
        any(rule == violation["id"] and target.endswith(selector) for rule, selector in WAGTAIL_ADMIN_KNOWN_VIOLATIONS)
        for target in violation["targets"]
    )


class AxeAudit:
    """Collects axe results per loaded document and knows which loads are still unaudited."""

    def __init__(self):
        self.loaded: list[str] = []
        self.audited: list[str] = []
        self.violations: list[tuple[str, dict]] = []

    def report(self, source, url, blocking):
        self.audited.append(url)
        self.violations.extend(
            (url, violation) for violation in blocking if not is_known_wagtail_admin_violation(url, violation)
        )

    def failures(self) -> list[str]:
        lines = [
            f"{url}: [{v['impact']}] {v['id']} — {v['help']} at {', '.join(v['targets'])}" for url, v in self.violations
        ]
        unaudited = list(self.loaded)
        for url in self.audited:
            if url in unaudited:
                unaudited.remove(url)
        lines += [f"{url}: left before axe finished (call axe_settled(page) first)" for url in unaudited]
        return lines


@pytest.fixture
def axe_audit():
    return AxeAudit()


def audited_page(browser, base_url: str, axe_audit: AxeAudit):
    """A page in a browser context of its own (its own cookies: a second person), audited like every other."""
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    context.expose_binding("__reportAxe", axe_audit.report)
    context.add_init_script(path=str(AXE_SCRIPT))
    context.add_init_script(script=AXE_RUNNER)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("load", lambda p: axe_audit.loaded.append(p.url))
    return page


@pytest.fixture
def page(browser, live_server, axe_audit, settings):
    settings.SITE_URL = live_server.url
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    page = audited_page(browser, live_server.url, axe_audit)
    yield page
    if not page.is_closed() and page.url.startswith("http"):
        axe_settled(page)
    page.context.close()
    failures = axe_audit.failures()
    if failures:
        pytest.fail("Accessibility (axe-core, serious or critical):\n" + "\n".join(failures), pytrace=False)


def axe_settled(page) -> None:
    """Wait until the audit of the current document has reported."""
    page.wait_for_function("window.__axeDone === true", timeout=15_000)


def sign_in_with_the_form(page, user) -> None:
    """Sign in as a person would, through the real form (UserFactory's password)."""
    from tests.factories import DEFAULT_PASSWORD

    page.context.clear_cookies()
    page.goto("/accounts/login/")
    axe_settled(page)
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/me/")
    axe_settled(page)


def switch_to(page, live_server, user) -> None:
    """Become another person quickly: their session cookie instead of the form again."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
