"""Rate limits for public pages, counted atomically in the database.

A cache counter (add, then incr) reads and writes in two steps, so concurrent requests can all read
the same count and all pass. Here each use is one conditional UPDATE (`count = count + 1 WHERE
count < limit`): the database applies them one at a time, so at most `limit` uses per window pass,
however many arrive at once. Windows are fixed (aligned to multiples of their length).
"""

from datetime import UTC, datetime, timedelta

from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac

from koppel.common.models.ratelimit import RateLimitWindow


def rate_key(scope: str, identity: str) -> str:
    """The stored key of `identity` (an IP address) for `scope`: a hash keyed with the site's secret,
    so the table holds no address, nor one that can be found by hashing every possible address."""
    digest = salted_hmac("koppel.ratelimit", identity, algorithm="sha256").hexdigest()
    return f"{scope}:{digest[:40]}"


def _window_start(now: datetime, window: int) -> datetime:
    seconds = int(now.timestamp()) // window * window
    return datetime.fromtimestamp(seconds, tz=UTC)


def is_rate_limited(
    scope: str, identity: str, *, limit: int, window: int, now: datetime | None = None
) -> bool:
    """Whether `identity` used up its `limit` uses of `scope` in the current window (reads only)."""
    start = _window_start(now or timezone.now(), window)
    return RateLimitWindow.objects.filter(
        key=rate_key(scope, identity), window_start=start, count__gte=limit
    ).exists()


def use_rate_limit(
    scope: str, identity: str, *, limit: int, window: int, now: datetime | None = None
) -> bool:
    """Count one use of `scope` by `identity`; False (and nothing counted) when the limit is reached.

    Side effect: creates the window's row on its first use. Safe under concurrency: the row is
    created once (the unique constraint decides between racing inserts) and each use is one
    conditional UPDATE.
    """
    key = rate_key(scope, identity)
    start = _window_start(now or timezone.now(), window)
    RateLimitWindow.objects.get_or_create(key=key, window_start=start)
    counted = RateLimitWindow.objects.filter(key=key, window_start=start, count__lt=limit).update(
        count=F("count") + 1
    )
    return counted == 1


def delete_old_rate_windows(*, now: datetime, keep: timedelta = timedelta(days=1)) -> int:
    """Remove the windows that started more than `keep` ago (longer than any window); returns how many."""
    deleted, _ = RateLimitWindow.objects.filter(window_start__lt=now - keep).delete()
    return deleted
