"""Playwright harness: Debian's Chromium against Django's live server, with axe-core on every page.

Every document the browser loads gets axe-core injected by an init script, which audits it when it has
loaded and reports back through an exposed binding: axe's serious and critical violations (every
element each affects) and whether the page scrolls sideways. `axe_settled(page)`, which every test calls
on every page before leaving it, waits for that audit and then audits the page again at each other width
of AUDIT_WIDTHS (a phone's 320 px and the desktop's), so that every page is checked at both, and at each
width once more with every disclosure (<details>) opened. After an interaction that changes the page
otherwise (the phone menu, a dialog) `axe_after(page, "...")` audits it again as it now is. Any finding
fails the test, except a short list of Wagtail's own on its admin pages (WAGTAIL_ADMIN_KNOWN_VIOLATIONS);
so does a page the test left before its audits were done.

Every page also reports each Content-Security-Policy violation it meets (its `securitypolicyviolation`
events and the browser's console errors about the policy): any one fails the test, on the public pages
under the site's strict policy and on the admin's under its own.

The journeys run on the coming Wednesday at 10:00 UTC (see `_a_weekday_morning`).
"""

import contextlib
import datetime as dt
import json
import os
import shutil
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import time_machine

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
DESKTOP = {"width": 1280, "height": 900}
AUDIT_WIDTHS = (DESKTOP["width"], 320)

# Playwright's sync API runs an event loop in the test thread; the ORM calls tests make for set-up
# are ordinary synchronous calls, so Django's async-safety guard must not refuse them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

AXE_RUNNER = """
(() => {
  if (window.top !== window) return;
  window.__axeDone = false;
  const describe = (element) => element.tagName.toLowerCase() + (element.id ? "#" + element.id : "")
    + [...element.classList].map((name) => "." + name).join("");
  // The page as it is now, at the current width: axe's blocking findings with every affected element,
  // and how far the page scrolls sideways (with, as a hint, the first element wider than its box).
  window.__axeAudit = (when) => axe.run(document, {resultTypes: ["violations"]}).then((result) => {
    const blocking = result.violations
      .filter((v) => __IMPACTS__.includes(v.impact))
      .map((v) => ({id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(" "))}));
    const root = document.documentElement;
    const overflow = root.scrollWidth - root.clientWidth;
    const sticksOut = (element) => element.getBoundingClientRect().right > root.clientWidth + 1;
    const out = overflow > 0 ? [...document.body.querySelectorAll("*")].filter(sticksOut) : [];
    const widerThanItsBox = (element) => element.getBoundingClientRect().width > element.parentElement.clientWidth + 1;
    const wide = out.length ? describe(out.find(widerThanItsBox) || out[0]) : null;
    return window.__reportAxe(location.href, {when, width: window.innerWidth, blocking, overflow, wide});
  });
  // The same with every closed disclosure (<details>) opened, then closed again as the test left it.
  window.__axeAuditDisclosures = () => {
    const closed = [...document.querySelectorAll("details:not([open])")];
    if (!closed.length) return Promise.resolve();
    closed.forEach((details) => { details.open = true; });
    return window.__axeAudit("after opening every disclosure")
      .finally(() => closed.forEach((details) => { details.open = false; }));
  };
  window.addEventListener("load", () => {
    window.__axeAudit("on load").finally(() => { window.__axeDone = true; });
  });
})();
""".replace("__IMPACTS__", json.dumps(list(BLOCKING_IMPACTS)))

CSP_WATCHER = """
document.addEventListener("securitypolicyviolation", (event) => window.__reportCsp({
  url: location.href,
  directive: event.effectiveDirective || event.violatedDirective,
  blocked: event.blockedURI,
  source: event.sourceFile + ":" + event.lineNumber,
  sample: event.sample,
}), true);
"""


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
    # At 320 px: Draftail's editable area scrolls without being focusable itself, and the editing
    # sessions indicator is a button showing only an avatar.
    ("scrollable-region-focusable", ".DraftEditor-root"),
    ("button-name", ".w-editing-sessions__session"),
    # The chooser modals (rubric, page, image) are role="dialog" without an accessible name.
    ("aria-dialog-name", ".modal"),
}


def is_known_wagtail_admin_violation(url: str, violation: dict) -> bool:
    if not urlsplit(url).path.startswith(WAGTAIL_ADMIN_PATH):
        return False
    return all(
        any(rule == violation["id"] and target.endswith(selector) for rule, selector in WAGTAIL_ADMIN_KNOWN_VIOLATIONS)
        for target in violation["targets"]
    )


class AxeAudit:
    """Collects the audits of every loaded document and knows which loads still lack one at some width."""

    def __init__(self):
        self.loaded: list[str] = []
        self.audited: Counter[tuple[str, int]] = Counter()
        self.violations: list[tuple[str, dict]] = []
        self.overflows: list[str] = []
        self.csp_violations: list[str] = []

    def report_csp(self, source, violation):
        self.csp_violations.append(
            f"{violation['url']}: CSP {violation['directive']} blocked {violation['blocked'] or 'inline code'}"
            f" at {violation['source']} {violation['sample'] or ''}".rstrip()
        )

    def console_message(self, message):
        if message.type == "error" and "Content Security Policy" in message.text:
            self.csp_violations.append(f"{message.location.get('url', '')}: console: {message.text}")

    def report(self, source, url, result):
        where = f"{result['when']}, {result['width']} px"
        if not result["when"].startswith("after "):
            self.audited[url, result["width"]] += 1
        self.violations.extend(
            (url, {**violation, "where": where})
            for violation in result["blocking"]
            if not is_known_wagtail_admin_violation(url, violation)
        )
        if result["overflow"] > 0:
            self.overflows.append(
                f"{url} ({where}): scrolls sideways by {result['overflow']} px"
                f" (the first element wider than its box: {result['wide']})"
            )

    def failures(self) -> list[str]:
        lines = [
            f"{url} ({v['where']}): [{v['impact']}] {v['id']} — {v['help']} at {_elements(v['targets'])}"
            for url, v in self.violations
        ]
        lines += self.overflows
        lines += self.csp_violations
        unaudited = Counter(self.audited)
        for url in self.loaded:
            for width in AUDIT_WIDTHS:
                if unaudited[url, width] > 0:
                    unaudited[url, width] -= 1
                else:
                    lines.append(f"{url}: left before axe audited it at {width} px (call axe_settled(page) first)")
        return lines


def _elements(targets: list[str], shown: int = 5) -> str:
    more = f" and {len(targets) - shown} more" if len(targets) > shown else ""
    return ", ".join(targets[:shown]) + more


@pytest.fixture
def axe_audit():
    return AxeAudit()


@pytest.fixture(autouse=True)
def _a_weekday_morning():
    """Every journey runs on the coming Wednesday at 10:00 UTC, the clock running on from there.

    The pages show dates, weekdays and "upcoming" meetings, so the same journey on a Sunday night or
    at New Year would meet other pages; the clock matrix (`make test-clock`) covers those instants for
    the tests below the browser. The coming Wednesday rather than a fixed date keeps the server's clock
    ahead of Chromium's own, so the cookies the server sets are never already expired.
    """
    now = dt.datetime.now(dt.UTC)
    wednesday = (now + dt.timedelta(days=(2 - now.weekday()) % 7)).replace(hour=10, minute=0, second=0, microsecond=0)
    if wednesday <= now:
        wednesday += dt.timedelta(days=7)
    with time_machine.travel(wednesday, tick=True):
        yield


def audited_page(browser, base_url: str, axe_audit: AxeAudit, **context_options):
    """A page in a browser context of its own (its own cookies: a second person), audited like every other;
    ``context_options`` go to Playwright's new_context (e.g. ``locale="es-ES"``, which the browser's
    Accept-Language follows)."""
    context = browser.new_context(base_url=base_url, viewport=DESKTOP, **context_options)
    context.expose_binding("__reportAxe", axe_audit.report)
    context.expose_binding("__reportCsp", axe_audit.report_csp)
    context.add_init_script(script=CSP_WATCHER)
    context.add_init_script(path=str(AXE_SCRIPT))
    context.add_init_script(script=AXE_RUNNER)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("load", lambda p: axe_audit.loaded.append(p.url))
    page.on("console", axe_audit.console_message)
    return page


@pytest.fixture
def page(browser, live_server, axe_audit, settings):
    with audited_session(browser, live_server, axe_audit, settings) as page:
        yield page


@contextlib.contextmanager
def audited_session(browser, live_server, axe_audit, settings, **context_options):
    """The `page` fixture's page (see audited_page for ``context_options``); when done, fails on any finding."""
    settings.SITE_URL = live_server.url
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    page = audited_page(browser, live_server.url, axe_audit, **context_options)
    yield page
    if not page.is_closed() and page.url.startswith("http"):
        axe_settled(page)
    page.context.close()
    failures = axe_audit.failures()
    if failures:
        pytest.fail(
            "Accessibility (axe-core, serious or critical; sideways scrolling) and Content-Security-Policy:\n"
            + "\n".join(failures),
            pytrace=False,
        )


def axe_settled(page) -> None:
    """Wait for the audit of the current document, then audit it at the other widths of AUDIT_WIDTHS;
    at each width, once more with its disclosures open."""
    # A function, not an expression: Playwright evals an expression in the page, which the policy forbids.
    page.wait_for_function("() => window.__axeDone === true", timeout=15_000)
    page.evaluate("() => window.__axeAuditDisclosures()")
    viewport = page.viewport_size
    for width in AUDIT_WIDTHS:
        if width != viewport["width"]:
            page.set_viewport_size({"width": width, "height": viewport["height"]})
            page.evaluate("() => window.__axeAudit('at another width').then(window.__axeAuditDisclosures)")
    page.set_viewport_size(viewport)


def axe_after(page, interaction: str) -> None:
    """Audit the page again, at the current width, as an interaction left it (e.g. "opening the menu")."""
    # A dialog fading in is half transparent: audited mid-transition, its text fails the contrast check.
    page.wait_for_function("() => document.getAnimations().every((animation) => animation.playState !== 'running')")
    page.evaluate("(when) => window.__axeAudit(when)", f"after {interaction}")


def visit(page, url) -> None:
    page.goto(url)
    axe_settled(page)


def press(page, name, *, role="button") -> None:
    """Click a control by its accessible name and audit the page it leads to."""
    page.get_by_role(role, name=name, exact=True).click()
    page.wait_for_load_state()
    axe_settled(page)


def activate(page, name, *, role="button") -> None:
    """Reach a control and press Enter on it, as a keyboard user does."""
    page.get_by_role(role, name=name, exact=True).focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    axe_settled(page)


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
