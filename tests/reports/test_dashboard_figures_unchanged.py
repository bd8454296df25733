"""Every figure of the dashboard and of the outcomes report, on the demo and on a small benchmark
programme, compared with the figures stored in tests/reports/fixtures/. A change to how a figure is
computed that changes a number fails here; a change made on purpose rewrites the fixture
(KOPPEL_WRITE_FIGURES=1) in a commit of its own that says which figure changed and why.

The fixtures were made on SQLite, where the comparison is exact; on PostgreSQL a mean may differ in
its last digit and rows tied on their sort key may come in another order (`_close`).

Both databases are built for a fixed day: the demo with the clock stopped at FROZEN_NOW, the
benchmark with its `today` argument (its timestamps come from that day too)."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import os
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any
from unittest import mock

import pytest
from django.db import connection
from django.utils import timezone, translation

from koppel.programmes.models import Coordinator, Programme
from koppel.reports.domain.dashboard import build_dashboard
from koppel.reports.domain.outcomes import build_outcomes
from koppel.reports.domain.period import ReportFilter, build_filter, default_period
from koppel.reports.domain.tables import SUPPRESSED

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ROOT = Path(__file__).resolve().parents[2]
# The demo's "now": midday in Amsterdam on a fixed day (the demo builds everything relative to it).
FROZEN_NOW = datetime(2026, 6, 30, 10, 0, tzinfo=UTC)
BENCH_TODAY = date(2026, 6, 30)
BENCH_SCALE = 0.01

pytestmark = pytest.mark.django_db


def _plain(value: Any) -> Any:
    """A JSON-able copy of a figure: dataclasses field by field, dates as ISO text, SUPPRESSED as
    the text "SUPPRESSED", lazy translations as their English text."""
    if value is SUPPRESSED:
        return "SUPPRESSED"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _fields(report: Any) -> dict[str, Any]:
    """A report's figures (its filter left out: it holds database ids, which differ per database)."""
    return {f.name: getattr(report, f.name) for f in dataclasses.fields(report) if f.name != "report_filter"}


def _figures(report_filter: ReportFilter, today: date) -> dict[str, Any]:
    """The dashboard's and the outcomes report's figures and tables for one filter."""
    dashboard = build_dashboard(report_filter, today=today, concurrent=False)
    outcomes = build_outcomes(report_filter, today=today)
    return {
        "dashboard": _plain(_fields(dashboard)),
        "dashboard_tables": _plain(dashboard.tables()),
        "outcomes": _plain(_fields(outcomes)),
        "outcomes_tables": _plain(outcomes.tables()),
    }


def _filters(today: date) -> dict[str, ReportFilter]:
    """All programmes over the default year and over two years, each programme on its own, and the
    first coordinator's caseload."""
    programmes = Programme.objects.order_by("pk")
    start, end = default_period(today)
    filters = {
        "all": build_filter(programmes, start=start, end=end),
        "all_two_years": build_filter(programmes, start=start - timedelta(days=365), end=end),
        "all_min_group_1": dataclasses.replace(build_filter(programmes, start=start, end=end), min_group=1),
    }
    for k, programme in enumerate(programmes):
        filters[f"programme_{k}"] = build_filter(
            Programme.objects.filter(pk=programme.pk), start=start, end=end
        )
    coordinator = Coordinator.objects.order_by("pk").first()
    if coordinator is not None:
        filters["coordinator"] = build_filter(
            Programme.objects.filter(pk=coordinator.programme_id),
            start=start,
            end=end,
            coordinator_id=coordinator.user_id,
        )
    return filters


def _all_figures(today: date) -> dict[str, Any]:
    with translation.override("en"):
        return {name: _figures(f, today) for name, f in _filters(today).items()}


def _close(found: Any, stored: Any) -> bool:
    """Equal, except what the database itself decides: a mean rounded after the database's own
    arithmetic may differ in its last (hundredth) digit, and rows tied on their sort key may come in
    another order (NULLs sort first on SQLite and last on PostgreSQL)."""
    if isinstance(found, float) and isinstance(stored, float):
        return abs(found - stored) <= 0.0101
    if isinstance(found, dict) and isinstance(stored, dict):
        return found.keys() == stored.keys() and all(_close(found[k], stored[k]) for k in found)
    if isinstance(found, list) and isinstance(stored, list):
        if len(found) != len(stored):
            return False
        if all(_close(a, b) for a, b in zip(found, stored, strict=True)):
            return True
        unmatched = list(stored)
        for a in found:
            match = next((k for k, b in enumerate(unmatched) if _close(a, b)), None)
            if match is None:
                return False
            unmatched.pop(match)
        return True
    return found == stored


def _compare(name: str, found: dict[str, Any]) -> None:
    path = FIXTURES / f"{name}.json"
    # Through JSON and back, so that tuples and lists compare alike.
    found = json.loads(json.dumps(found))
    if os.environ.get("KOPPEL_WRITE_FIGURES"):
        path.write_text(
            json.dumps(found, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    stored = json.loads(path.read_text(encoding="utf-8"))
    assert found.keys() == stored.keys()
    for filter_name in stored:
        for part in stored[filter_name]:
            if connection.vendor == "sqlite":  # the database the fixtures were made on: exactly
                assert found[filter_name][part] == stored[filter_name][part], f"{name}: {filter_name}, {part}"
            else:
                assert _close(found[filter_name][part], stored[filter_name][part]), (
                    f"{name}: {filter_name}, {part}"
                )


@pytest.fixture
def frozen_clock() -> Iterator[None]:
    with mock.patch.object(timezone, "now", return_value=FROZEN_NOW):
        yield


def test_dashboard_and_outcomes_figures_on_the_demo_are_unchanged(frozen_clock: None) -> None:
    from koppel.demo.load import load_demo

    assert load_demo() is True
    today = timezone.localdate()
    assert today == date(2026, 6, 30)
    _compare("dashboard_demo", _all_figures(today))


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("reports_bench", ROOT / "benchmarks" / "reports_bench.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_dashboard_and_outcomes_figures_on_the_benchmark_are_unchanged() -> None:
    builder = _bench().Builder(BENCH_SCALE, today=BENCH_TODAY, verbose=False)
    builder.build()
    _compare("dashboard_bench", _all_figures(BENCH_TODAY))
