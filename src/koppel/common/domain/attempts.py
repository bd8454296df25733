"""A limit on guessing the check behind a personal link: at most `LIMIT` wrong answers per link in
`WINDOW`, then the link refuses every answer until the oldest wrong one is older than the window.

Counted in the database (`FailedAttempt`), so every web process sees the same count. The caller
checks and records inside one transaction that holds a lock on the link's subject row (the consent,
the survey), so two requests at once are counted one after the other and never both pass the limit.
"""

from datetime import datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from koppel.common.domain.errors import DomainError
from koppel.common.models import FailedAttempt

LIMIT = 5
WINDOW = timedelta(hours=1)


class TooManyAttempts(DomainError):
    """The link's check was answered wrongly too often; the page says to try again later."""


def _failures(key: str, now: datetime) -> QuerySet[FailedAttempt]:
    return FailedAttempt.objects.filter(key=key, at__gt=now - WINDOW)


def refuse_when_locked(key: str, *, now: datetime | None = None) -> None:
    """Raise TooManyAttempts when `key` had LIMIT wrong answers within the last WINDOW. Call it with
    the subject's row locked (see the module's docstring)."""
    now = now or timezone.now()
    if _failures(key, now).count() >= LIMIT:
        raise TooManyAttempts(
            _("Too many attempts. For your safety this page is locked for an hour. Try again later.")
        )


def record_failure(key: str, *, now: datetime | None = None) -> None:
    """Count one wrong answer for `key` (and forget those older than the window)."""
    now = now or timezone.now()
    FailedAttempt.objects.filter(key=key, at__lte=now - WINDOW).delete()
    FailedAttempt.objects.create(key=key, at=now)


def forget_failures(key: str) -> None:
    """A right answer (or a new link) starts the count again."""
    FailedAttempt.objects.filter(key=key).delete()
