"""The shared cache (Redis) that fails open.

The default cache holds allauth's rate limits (login, reset, signup, newsletter) and a few kept
fragments: nothing that cannot be lost. When Redis is down, a raised ConnectionError would turn
every login into a 500; here each operation answers as an empty cache would instead (``add``
succeeds, so allauth's lock is taken and its limits are not enforced), with a warning in the log.
After a failure Redis is not asked again for ``RETRY_AFTER`` seconds, so a dead server costs one
failed connection per process every few seconds, not one per request. /sante/ reports the outage.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

RETRY_AFTER = 5.0
_UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError, OSError)


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's client builds a new ``redis.Redis`` for every operation, and redis-py 8 fills about
    170 response callbacks each time (~0.13 ms): a registration paid that seven times. One client
    per connection pool is kept instead; ``redis.Redis`` is thread-safe over its pool."""

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        clients = self.__dict__.setdefault("_reused_clients", {})
        client = clients.get(index)
        if client is None:
            client = clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class ReusedClientRedisCache(RedisCache):
    """Django's Redis cache with one client per connection pool (the page cache's alias)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

    def hit(self, key, timeout, version=None) -> int:
        """Add one to the counter ``key``, created for ``timeout`` seconds, and return it: one round
        trip (``add`` then ``incr`` take three)."""
        key = self.make_and_validate_key(key, version=version)
        pipe = self._cache.get_client(key, write=True).pipeline(transaction=False)
        pipe.set(key, 0, ex=timeout, nx=True)
        pipe.incr(key)
        return pipe.execute()[1]


def count_hit(cache, key: str, timeout: int) -> int:
    """Count one more hit on ``key`` (a counter kept ``timeout`` seconds) and return the count."""
    if isinstance(cache, ReusedClientRedisCache):
        return cache.hit(key, timeout)
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=timeout)
        return 1


class FailOpenRedisCache(ReusedClientRedisCache):
    _down_until = 0.0  # per process, per alias: time.monotonic() before which Redis is not asked

    def _guarded(self, operation: str, fallback, call):
        if time.monotonic() < self._down_until:
            return fallback
        try:
            return call()
        except _UNAVAILABLE as exc:
            self._down_until = time.monotonic() + RETRY_AFTER
            logger.warning(
                "Cache unavailable (%s during %s): rate limits are not enforced for %.0f s",
                type(exc).__name__,
                operation,
                RETRY_AFTER,
            )
            return fallback

    def get(self, key, default=None, version=None):
        return self._guarded(
            "get", default, lambda: super(FailOpenRedisCache, self).get(key, default, version)
        )

    def get_many(self, keys, version=None):
        return self._guarded("get_many", {}, lambda: super(FailOpenRedisCache, self).get_many(keys, version))

    def has_key(self, key, version=None):
        return self._guarded("has_key", False, lambda: super(FailOpenRedisCache, self).has_key(key, version))

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(
            "add", True, lambda: super(FailOpenRedisCache, self).add(key, value, timeout, version)
        )

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(
            "set", None, lambda: super(FailOpenRedisCache, self).set(key, value, timeout, version)
        )

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(
            "set_many", [], lambda: super(FailOpenRedisCache, self).set_many(data, timeout, version)
        )

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(
            "touch", False, lambda: super(FailOpenRedisCache, self).touch(key, timeout, version)
        )

    def delete(self, key, version=None):
        return self._guarded("delete", False, lambda: super(FailOpenRedisCache, self).delete(key, version))

    def delete_many(self, keys, version=None):
        return self._guarded(
            "delete_many", None, lambda: super(FailOpenRedisCache, self).delete_many(keys, version)
        )

    def incr(self, key, delta=1, version=None):
        return self._guarded("incr", delta, lambda: super(FailOpenRedisCache, self).incr(key, delta, version))

    def hit(self, key, timeout, version=None) -> int:
        # Redis down: counted as a first hit, so the limit is not enforced (fail open).
        return self._guarded("hit", 1, lambda: super(FailOpenRedisCache, self).hit(key, timeout, version))

    def clear(self):
        return self._guarded("clear", False, lambda: super(FailOpenRedisCache, self).clear())
