"""Numbers read from a query string or a form: bounded, so that a made-up value is never a 500
("bigint out of range", a year 99999 given to date())."""


def bounded_int(value, *, default: int, low: int, high: int) -> int:
    """``value`` as an integer within [low, high]; ``default`` when it is not an integer, the
    nearest bound when it is out of range."""
    try:
        number = int(str(value)[:20])
    except (TypeError, ValueError):
        return default
    return min(max(number, low), high)
