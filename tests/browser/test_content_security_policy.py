"""The browser enforces the site's Content-Security-Policy, and the harness notices when it does.

Every browser test fails on a policy violation (see conftest); this one proves the watcher sees one:
script written into a public page is refused and reported.
"""

from tests.browser.conftest import axe_settled


def test_inline_script_on_a_public_page_is_refused_and_reported(page, home_page, axe_audit):
    page.goto("/")
    refused = page.evaluate(
        """() => new Promise((resolve) => {
            document.addEventListener("securitypolicyviolation", () => resolve(window.injected === undefined));
            const script = document.createElement("script");
            script.textContent = "window.injected = true;";
            document.body.append(script);
        })"""
    )
    assert refused, "the inline script ran"
    page.wait_for_timeout(200)  # the report crosses to this process through the exposed binding
    assert any("script-src" in line for line in axe_audit.csp_violations), axe_audit.csp_violations
    axe_audit.csp_violations.clear()  # seen and expected: the fixture's own check must not fail the test
    axe_settled(page)
