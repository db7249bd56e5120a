"""Playwright harness: Debian's Chromium against Django's live server, with axe-core on every page.

Every document the browser loads gets axe-core injected by an init script, which runs the audit
when the page has loaded and reports back through an exposed binding. Any serious or critical
violation on any page fails the test. A page the test left before its audit finished fails it
too, so that no page goes unchecked: wait with `axe_settled(page)` before leaving a page.
"""

import json
import os
import shutil
from pathlib import Path

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
def browser():
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    if not AXE_SCRIPT.exists():
        pytest.skip("axe-core is not installed (npm install)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        yield browser
        browser.close()


class AxeAudit:
    """Collects axe results per loaded document and knows which loads are still unaudited."""

    def __init__(self):
        self.loaded: list[str] = []
        self.audited: list[str] = []
        self.violations: list[tuple[str, dict]] = []

    def report(self, source, url, blocking):
        self.audited.append(url)
        self.violations.extend((url, violation) for violation in blocking)

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


@pytest.fixture
def page(browser, live_server, axe_audit, settings):
    settings.SITE_URL = live_server.url
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.expose_binding("__reportAxe", axe_audit.report)
    context.add_init_script(path=str(AXE_SCRIPT))
    context.add_init_script(script=AXE_RUNNER)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("load", lambda p: axe_audit.loaded.append(p.url))
    yield page
    if not page.is_closed() and page.url.startswith("http"):
        axe_settled(page)
    context.close()
    failures = axe_audit.failures()
    if failures:
        pytest.fail("Accessibility (axe-core, serious or critical):\n" + "\n".join(failures), pytrace=False)


def axe_settled(page) -> None:
    """Wait until the audit of the current document has reported."""
    page.wait_for_function("window.__axeDone === true", timeout=15_000)


def pytest_collection_finish(session):
    # Browser tests flush the database between tests; restoring what migrations created
    # (Wagtail's root page, locale, collections and groups) keeps later tests working.
    for item in session.items:
        if item.get_closest_marker("browser") and not item.get_closest_marker("django_db"):
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))
