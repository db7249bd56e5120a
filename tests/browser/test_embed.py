"""The embeddable list of circles, as another site's iframe shows it: audited by axe-core like every page."""

from tests.browser.conftest import visit
from tests.cohorts.factories import make_circle, make_course


def test_the_embed_is_accessible(page, live_server, site_tree):
    make_circle(course=make_course(title="Community gardening"), name="Gardeners on Tuesdays")
    visit(page, f"{live_server.url}/embed/circles/?language=en")
    link = page.get_by_role("link", name="Gardeners on Tuesdays (opens in a new tab)")
    assert link.get_attribute("target") == "_blank" and link.get_attribute("rel") == "noopener"
    assert page.get_by_role("heading", level=1).inner_text() == "Study circles"
