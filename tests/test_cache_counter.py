"""The counter behind the per-account registration limit (events.services._check_rate): one round
trip on Redis, the same answers on every cache, and fail-open while Redis is down."""

import time

import pytest
from django.core.cache import caches

from anpp_portal.cache import FailOpenRedisCache, count_hit


def _counts(cache, key):
    return [count_hit(cache, key, 60) for _ in range(3)]


def test_the_counter_counts_on_the_configured_cache():
    cache = caches["default"]
    cache.delete("test:counter")
    assert _counts(cache, "test:counter") == [1, 2, 3]
    assert cache.get("test:counter") == 3  # an ordinary cache value: readable, deletable
    cache.delete("test:counter")
    assert count_hit(cache, "test:counter", 60) == 1


@pytest.mark.redis
def test_on_redis_the_counter_is_one_round_trip_and_expires(settings, monkeypatch):
    import redis
    from redis.connection import AbstractConnection

    cache = FailOpenRedisCache(settings.REDIS_URL, {"KEY_PREFIX": "counter-test"})
    cache.delete("k")
    sent = []
    real_send = AbstractConnection.send_packed_command

    def send(connection, command, *args, **kwargs):
        sent.append(command)
        return real_send(connection, command, *args, **kwargs)

    monkeypatch.setattr(AbstractConnection, "send_packed_command", send)
    assert count_hit(cache, "k", 2) == 1
    assert len(sent) == 1  # one round trip: SET NX EX and INCR sent together (add + incr took three)
    monkeypatch.undo()
    assert _counts(cache, "k") == [2, 3, 4]
    ttl = redis.Redis.from_url(settings.REDIS_URL).ttl(cache.make_and_validate_key("k"))
    assert 0 < ttl <= 2
    time.sleep(2.1)
    assert count_hit(cache, "k", 2) == 1  # a new window


def test_while_redis_is_down_the_counter_fails_open(caplog):
    cache = FailOpenRedisCache("redis://127.0.0.1:1/0", {"OPTIONS": {"socket_connect_timeout": 0.2}})
    assert _counts(cache, "k") == [1, 1, 1]  # never over any limit
    assert "Cache unavailable" in caplog.text


def test_the_redis_client_is_built_once_per_connection_pool():
    """Django builds a redis.Redis per operation; ours keeps one (a registration made seven)."""
    cache = FailOpenRedisCache("redis://127.0.0.1:6379/0", {})
    client = cache._cache.get_client("k", write=True)
    assert cache._cache.get_client("other", write=True) is client
    assert client.connection_pool is cache._cache._get_connection_pool(True)
