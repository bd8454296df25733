"""What a report is about: which programmes, which period, and the smallest group it may show."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Max, QuerySet

from koppel.common.dates import add_months
from koppel.programmes.models import Programme, ProgrammeSettings

DEFAULT_MIN_GROUP = 5


@dataclass(frozen=True)
class ReportFilter:
    """The programmes (already restricted to what the user may see), the period (both days
    included) and, optionally, one coordinator's caseload. `min_group` is the largest of the
    programmes' `report_min_group` settings: a figure about fewer people is suppressed (OUT-3)."""

    programme_ids: tuple[int, ...]
    start: date
    end: date
    min_group: int = DEFAULT_MIN_GROUP
    coordinator_id: int | None = None

    def programmes(self) -> QuerySet[Programme]:
        return Programme.objects.filter(id__in=self.programme_ids)

    def params(self) -> dict:
        """Plain values for an export job's `params` (see `from_params`)."""
        return {
            "programme_ids": list(self.programme_ids),
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "min_group": self.min_group,
            "coordinator_id": self.coordinator_id,
        }

    @classmethod
    def from_params(cls, params: dict) -> "ReportFilter":
        return cls(
            programme_ids=tuple(params["programme_ids"]),
            start=date.fromisoformat(params["start"]),
            end=date.fromisoformat(params["end"]),
            min_group=int(params.get("min_group", DEFAULT_MIN_GROUP)),
            coordinator_id=params.get("coordinator_id"),
        )


def default_period(today: date) -> tuple[date, date]:
    """The twelve months up to and including today."""
    return add_months(today, -12) + timedelta(days=1), today


def build_filter(
    programmes: QuerySet[Programme],
    *,
    start: date,
    end: date,
    coordinator_id: int | None = None,
) -> ReportFilter:
    """A filter over `programmes` (a queryset the caller got from a permission-checked selector)."""
    ids = tuple(sorted(programmes.values_list("id", flat=True)))
    largest = ProgrammeSettings.objects.filter(programme_id__in=ids).aggregate(m=Max("report_min_group"))["m"]
    return ReportFilter(
        programme_ids=ids,
        start=start,
        end=end,
        min_group=largest or DEFAULT_MIN_GROUP,
        coordinator_id=coordinator_id,
    )
