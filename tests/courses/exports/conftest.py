import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _no_cached_renditions():
    # Wagtail caches renditions by image id, which a new test's database reuses while its media
    # folder is new: a rendition left in the cache would point at a file that is not there.
    cache.clear()
