from tests.courses.exports.conftest import _no_cached_renditions  # noqa: F401 (autouse fixture)
