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
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

RETRY_AFTER = 5.0
_UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError, OSError)


class FailOpenRedisCache(RedisCache):
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

    def clear(self):
        return self._guarded("clear", False, lambda: super(FailOpenRedisCache, self).clear())
