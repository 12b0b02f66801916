"""The portal's one rate-limit mechanism: attempts of an action counted per client IP and per key
(an address, an account), atomically, on the shared cache.

A rate reads ``"10/h/ip,3/d/key"``: at most 10 per hour from one client IP and 3 per day for one
key. Each rate is a counter per fixed window, taken in one atomic step (Redis ``SET NX EX`` then
``INCR`` in one round trip; ``add`` then ``incr`` on the local-memory cache, see
:func:`anpp_portal.cache.count_hit`), so two requests at once cannot both read "one left". The
rates of each action are in ``settings.ANPP_RATE_LIMITS``. allauth keeps its own limits for what it
owns (login, reset, signup); every limit of the portal's own forms and services goes through here,
and ``tests/test_rate_limits.py`` walks the source for another counter.

While Redis is down the cache fails open (anpp_portal/cache.py): attempts are allowed, with a warning.
"""

import hashlib
import ipaddress
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured

from .cache import count_hit


class TooManyLoginAttempts(Exception):
    """allauth's failed-login limit is exhausted (raised by the account adapter); the middleware
    answers it with allauth's HTTP 429 page."""


_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    amount: int
    seconds: int
    per: str  # "ip" or "key"

    def __str__(self):
        return f"{self.amount}/{self.seconds}s/{self.per}"


def parse_rates(text: str) -> list[Rate]:
    """``"10/h/ip,3/15m/key"`` as rates; the period is a number (1 if left out) and s, m, h or d."""
    rates = []
    for part in filter(None, (part.strip() for part in (text or "").split(","))):
        amount, period, per = part.split("/")
        if per not in ("ip", "key"):
            raise ImproperlyConfigured(f"Rate limit {part!r}: per 'ip' or per 'key'.")
        count = int(period[:-1]) if period[:-1] else 1
        rates.append(Rate(int(amount), count * _UNITS[period[-1]], per))
    return rates


def client_ip(request) -> str:
    """The client's IP address as allauth reads it (TRUSTED_PROXY_COUNT decides which hop); an
    IPv6 address counts for its /64, which one client usually holds whole."""
    from allauth.account.adapter import get_adapter

    address = get_adapter(request).get_client_ip(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False).network_address)
    return address


def consume(*, action: str, ip: str | None = None, key: str | None = None, rates: str | None = None) -> bool:
    """Count one attempt of ``action`` from ``ip`` for ``key``; False when a rate is exceeded.

    ``rates`` defaults to ``settings.ANPP_RATE_LIMITS[action]``. Every rate's counter moves, even
    when another one refuses: an attempt refused is still an attempt."""
    rates_text = rates if rates is not None else settings.ANPP_RATE_LIMITS[action]
    cache = caches["default"]
    now = time.time()
    allowed = True
    for rate in parse_rates(rates_text):
        subject = ip if rate.per == "ip" else key
        if subject is None:
            raise ImproperlyConfigured(f"Rate limit of {action!r} per {rate.per}, but none was given.")
        digest = hashlib.sha256(str(subject).encode()).hexdigest()[:32]
        window = int(now // rate.seconds)
        if count_hit(cache, f"rl:{action}:{rate}:{digest}:{window}", rate.seconds) > rate.amount:
            allowed = False
    return allowed


def consume_request(request, *, action: str, key: str | None = None) -> bool:
    """:func:`consume` for the client of ``request``."""
    return consume(action=action, ip=client_ip(request), key=key)
