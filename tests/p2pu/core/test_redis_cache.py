"""The Redis cache backend keeps one client per connection pool rather than building one per call."""

import os
import uuid

import pytest

from p2pu.core.redis_cache import RedisCache

REDIS_URL = os.environ.get("REDIS_URL", "")

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL is not set: this is the Redis cache backend."),
]


@pytest.fixture
def redis_cache():
    backend = RedisCache(REDIS_URL, {"KEY_PREFIX": f"test-redis-cache-{uuid.uuid4().hex}"})
    yield backend
    backend.delete_many(["greeting", "count"])


def test_every_call_uses_the_same_client(redis_cache):
    client = redis_cache._cache.get_client("greeting")
    assert redis_cache._cache.get_client("count", write=True) is client


def test_it_reads_and_writes_as_djangos_backend_does(redis_cache):
    redis_cache.set("greeting", {"text": "hola"})
    assert redis_cache.get("greeting") == {"text": "hola"}
    assert redis_cache.add("count", 1) and not redis_cache.add("count", 2)
    assert redis_cache.incr("count") == 2
    assert redis_cache.get_many(["greeting", "count", "missing"]) == {"greeting": {"text": "hola"}, "count": 2}
