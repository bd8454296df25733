"""Counters for rate limits on public pages, one row per client and window."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RateLimitWindow(models.Model):
    """How often one client used one public action in one fixed time window.

    `key` is the action's scope and a keyed hash of the client's address: no readable address is
    stored. Counted with one conditional UPDATE (koppel.common.domain.ratelimit), so concurrent
    requests never pass the limit; windows that ended are removed by the periodic command.
    """

    key = models.CharField(_("key"), max_length=100)
    window_start = models.DateTimeField(_("window start"))
    count = models.PositiveIntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("rate-limit window")
        verbose_name_plural = _("rate-limit windows")
        constraints = [
            models.UniqueConstraint(fields=["key", "window_start"], name="unique_rate_limit_window")
        ]
        indexes = [models.Index(fields=["window_start"])]

    def __str__(self) -> str:
        return f"{self.key} {self.window_start:%Y-%m-%d %H:%M}"
