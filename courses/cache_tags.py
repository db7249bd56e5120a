"""Names of the page cache's tags for the page tree (what each names: see courses.page_cache)."""

PAGES_TAG = "pages"
COURSES_TAG = "courses"
REMIX_FAMILIES_TAG = "remix-families"


def page_tag(page_id: int) -> str:
    return f"page:{page_id}"


def children_tag(page_id: int) -> str:
    return f"children:{page_id}"


def translations_tag(translation_key) -> str:
    """A course's versions in every language: each one's page links to the others."""
    return f"translations:{translation_key}"
