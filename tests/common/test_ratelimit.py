"""The database rate limit for public pages: counted per keyed hash and fixed window, never the
readable address, and old windows removed by the periodic command."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command

from koppel.common.domain.ratelimit import delete_old_rate_windows, is_rate_limited, use_rate_limit
from koppel.common.models import RateLimitWindow

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 7, 10, 15, tzinfo=UTC)


def test_uses_pass_up_to_the_limit_then_are_refused_until_the_next_window():
    uses = [use_rate_limit("apply", "192.0.2.1", limit=3, window=3600, now=NOW) for _ in range(5)]
    assert uses == [True, True, True, False, False]
    assert is_rate_limited("apply", "192.0.2.1", limit=3, window=3600, now=NOW)
    assert not is_rate_limited("apply", "192.0.2.2", limit=3, window=3600, now=NOW)
    assert not is_rate_limited("other", "192.0.2.1", limit=3, window=3600, now=NOW)
    later = NOW + timedelta(hours=1)
    assert not is_rate_limited("apply", "192.0.2.1", limit=3, window=3600, now=later)
    assert use_rate_limit("apply", "192.0.2.1", limit=3, window=3600, now=later)


def test_no_readable_address_is_stored():
    use_rate_limit("apply", "192.0.2.1", limit=3, window=3600, now=NOW)
    use_rate_limit("apply", "2001:db8::1", limit=3, window=3600, now=NOW)
    keys = list(RateLimitWindow.objects.values_list("key", flat=True))
    assert len(keys) == 2
    assert not any("192.0.2" in key or "2001:db8" in key for key in keys)


def test_the_periodic_command_removes_windows_that_ended():
    use_rate_limit("apply", "192.0.2.1", limit=3, window=3600, now=NOW - timedelta(days=2))
    use_rate_limit("apply", "192.0.2.1", limit=3, window=3600, now=NOW)
    assert delete_old_rate_windows(now=NOW) == 1
    assert RateLimitWindow.objects.count() == 1
    use_rate_limit("apply", "192.0.2.1", limit=3, window=3600, now=datetime(2020, 1, 1, tzinfo=UTC))
    call_command("send_reminders", "--no-propose", verbosity=0)
    assert not RateLimitWindow.objects.filter(window_start__year=2020).exists()
