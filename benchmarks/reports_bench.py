# ruff: noqa: S311, T201  (synthetic data from a seeded generator; a script that prints figures)
"""Benchmark of the programme dashboard and the outcomes report on a large programme.

    uv run python benchmarks/reports_bench.py                       # SQLite, scale 1.0
    uv run python benchmarks/reports_bench.py --database postgres   # PostgreSQL
    uv run python benchmarks/reports_bench.py --scale 0.1 --keep    # smaller; keep the database
    uv run python benchmarks/reports_bench.py --reuse               # measure a kept database again

At scale 1.0 one organisation runs one programme with 20,000 youth, 20,000 mentors, 15,000 matches,
1,000,000 meeting logs and 200,000 submitted surveys (with their Score rows), plus closures,
support contacts, training, campaigns with applicants and their pipeline steps. Item-level answers
are not generated: the reports read only `Score`.

The benchmark uses its OWN database, never ./var/koppel.sqlite3 or the test database: SQLite in
var/bench/reports_bench.sqlite3, PostgreSQL in the database `koppel_bench` on
postgres://postgres@127.0.0.1:5432 (override with --postgres-url). Without --keep the database is
removed at the end. It prints the build time, then for the dashboard and the outcomes report the
domain call and the page (django.test.Client, a coordinator logged in): median of 5 runs after one
warm-up, and the number of queries. `--explain` prints the slowest queries of each measurement.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = ROOT / "var" / "bench"
SQLITE_PATH = BENCH_DIR / "reports_bench.sqlite3"
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/koppel_bench"

# The sizes at scale 1.0: a large organisation.
SIZES = {
    "youth": 20_000,
    "mentors": 20_000,
    "matches": 15_000,
    "meetings": 1_000_000,
    "surveys": 200_000,
}
HISTORY_DAYS = 4 * 365 + 1
BATCH = 2_000
# The automatic timestamps the generator sets itself (KoppelModel's, and the event tables' `at`).
STAMPED_FIELDS = {"created_at", "updated_at", "at"}

FIRST_NAMES = ["Sanne", "Daan", "Fatima", "Mohammed", "Lotte", "Emre", "Noa", "Bram", "Aya", "Milan"]
LANGUAGES = ["ar", "tr", "pl", "en", "pap", "srn", "so", "uk", "zgh"]
BACKGROUNDS = ["Nederlands", "Marokkaans", "Turks", "Surinaams", "Antilliaans", "Pools", "Somalisch"]
CLOSURE_EARLY_REASONS = [
    ("no_click", 20),
    ("mentor_time", 25),
    ("moved", 15),
    ("youth_motivation", 20),
    ("family", 8),
    ("safety", 2),
    ("other_help", 5),
    ("other", 5),
]
ENDED_BY = ["mentor", "youth", "guardian", "programme", "mutual"]
# Share of surveys answered, per moment (the rest expire or are still open).
RESPONSE_RATE = {"baseline": 0.9, "during": 0.8, "closure": 0.7, "follow_up": 0.5}
RELATIONSHIP_MONTHS = [1, 3, 6, 9, 12, 18, 24]
OUTCOME_MONTHS = [6, 12]
FOLLOW_UP_MONTHS = 12


def scaled(name: str, scale: float) -> int:
    return max(1, round(SIZES[name] * scale))


# --- Database set-up -------------------------------------------------------------------------------


def database_url(database: str, postgres_url: str) -> str:
    if database == "sqlite":
        return f"sqlite:///{SQLITE_PATH}"
    return postgres_url


def marker_path(database: str) -> Path:
    return BENCH_DIR / f"reports_bench.{database}.json"


def drop_database(database: str, postgres_url: str) -> None:
    """Remove the benchmark's own database (the SQLite file, or the PostgreSQL database)."""
    marker_path(database).unlink(missing_ok=True)
    if database == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        return
    _postgres_admin(postgres_url, "DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def create_database(database: str, postgres_url: str) -> None:
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    if database == "postgres":
        _postgres_admin(postgres_url, "CREATE DATABASE {name}")


def _postgres_admin(postgres_url: str, statement: str) -> None:
    import psycopg
    from psycopg import sql

    base, _, name = postgres_url.rpartition("/")
    if name in ("", "test", "postgres", "koppel") or not name.replace("_", "").isalnum():
        raise SystemExit(f"refusing to touch the database {name!r}: use a database of the benchmark's own")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(sql.SQL(statement).format(name=sql.Identifier(name)))


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "koppel.settings")
    sys.path[:0] = [str(ROOT), str(ROOT / "src")]
    import django

    django.setup()


# --- Data ------------------------------------------------------------------------------------------


def _at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def _stamp(obj, day: date):
    """Give a row the creation time it would have had (KoppelModel's created_at/updated_at)."""
    obj.created_at = obj.updated_at = _at(day)
    return obj


@contextmanager
def real_timestamps(*models) -> Iterator[None]:
    """Let bulk_create keep the created_at/updated_at the generator sets, instead of "now"."""
    saved = []
    for model in models:
        for field in model._meta.concrete_fields:
            if field.name in STAMPED_FIELDS and (getattr(field, "auto_now", False) or field.auto_now_add):
                saved.append((field, field.auto_now, field.auto_now_add))
                field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def bulk(model, rows: Iterable, batch: int = BATCH) -> list:
    """bulk_create in batches; returns the saved rows (with their ids)."""
    saved, chunk = [], []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= batch:
            saved.extend(model.objects.bulk_create(chunk, batch_size=batch))
            chunk = []
    if chunk:
        saved.extend(model.objects.bulk_create(chunk, batch_size=batch))
    return saved


def _converter(field, connection):
    """How a value of `field` goes to the database; None for values the driver takes as they are."""
    from django.db import models

    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return connection.ops.adapt_datefield_value
    if isinstance(field, models.JSONField | models.DecimalField):
        return lambda value: field.get_db_prep_save(value, connection)
    return None


def fast_insert(model, rows: Iterable[dict], batch: int = 5_000) -> int:
    """INSERT rows (dicts keyed by column attname, or unsaved instances) with executemany, for the tables of a
    million rows: bulk_create spends most of its time compiling SQL, one value at a time. Fields
    a row leaves out get their default; values go through the field's own database conversion."""
    from django.db import connection
    from django.utils import timezone

    count, chunk, fields, sql = 0, [], None, ""
    with connection.cursor() as cursor:
        for row in rows:
            if fields is None:
                fields = [f for f in model._meta.concrete_fields if not f.primary_key]
                now = _at(timezone.localdate())
                defaults = {f.attname: f.get_default() for f in fields}
                columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
                marks = ", ".join(["%s"] * len(fields))
                table = connection.ops.quote_name(model._meta.db_table)
                sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 (names from the model)
                convert = [_converter(f, connection) for f in fields]
                pairs = list(zip(fields, convert, strict=True))
            if not isinstance(row, dict):  # a model instance: its fields as they are
                row = {
                    f.attname: now
                    if getattr(row, f.attname) is None
                    and (getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False))
                    else getattr(row, f.attname)
                    for f in fields
                }
            values = defaults | row
            chunk.append(
                tuple(
                    c(values[f.attname])
                    if c is not None and values[f.attname] is not None
                    else values[f.attname]
                    for f, c in pairs
                )
            )
            if len(chunk) >= batch:
                cursor.executemany(sql, chunk)
                count += len(chunk)
                chunk = []
        if chunk:
            cursor.executemany(sql, chunk)
            count += len(chunk)
    return count


def fast_update(model, rows: list, fields: list[str], batch: int = 5_000) -> None:
    """UPDATE the given fields of saved rows by id with executemany (bulk_update builds a CASE
    expression per row and field, slow in Python and quadratic in SQLite)."""
    from django.db import connection

    concrete = [model._meta.get_field(name) for name in fields]
    pairs = [(f, _converter(f, connection)) for f in concrete]
    qn = connection.ops.quote_name
    sets = ", ".join(f"{qn(f.column)} = %s" for f in concrete)
    sql = f"UPDATE {qn(model._meta.db_table)} SET {sets} WHERE {qn(model._meta.pk.column)} = %s"  # noqa: S608
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch):
            params = []
            for row in rows[start : start + batch]:
                values = [getattr(row, f.attname) for f, _c in pairs]
                params.append(
                    (
                        *[
                            c(v) if c is not None and v is not None else v
                            for v, (_f, c) in zip(values, pairs, strict=True)
                        ],
                        row.pk,
                    )
                )
            cursor.executemany(sql, params)


def _add_months(day: date, months: int) -> date:
    from koppel.common.dates import add_months

    return add_months(day, months)


def _weighted(rnd: random.Random, pairs: list[tuple[str, int]]) -> str:
    return rnd.choices([p[0] for p in pairs], [p[1] for p in pairs])[0]


class Builder:
    """Builds the benchmark programme. `counts` holds the number of rows of each kind."""

    def __init__(self, scale: float, *, today: date, seed: int = 6, verbose: bool = True):
        self.scale = scale
        self.today = today
        self.first_day = today - timedelta(days=HISTORY_DAYS)
        self.rnd = random.Random(seed)
        self.verbose = verbose
        self.counts: dict[str, int | str] = {}
        self.timings: dict[str, float] = {}

    def log(self, text: str) -> None:
        if self.verbose:
            print(text, flush=True)

    def step(self, name: str, function) -> None:
        started = time.monotonic()
        function()
        self.timings[name] = time.monotonic() - started
        self.log(f"  {name:<22} {self.timings[name]:7.1f} s  {self.counts.get(name, '')}")

    def build(self) -> dict[str, int | str]:
        from django.db import transaction

        from koppel.common.models import KoppelModel
        from koppel.matches.models import MatchEvent
        from koppel.people.models import PipelineEvent

        models = [m for m in _all_models() if issubclass(m, KoppelModel)] + [MatchEvent, PipelineEvent]
        # One transaction: on SQLite a commit per batch would cost more than the inserts.
        with transaction.atomic():
            self.step("instruments", self.instruments)
        with transaction.atomic(), real_timestamps(*models):
            self.step("organisation", self.organisation)
            self.step("campaigns", self.campaigns)
            self.step("youth", self.youth)
            self.step("mentors", self.mentors)
            self.step("matches", self.matches)
            self.step("closures", self.closures)
            self.step("meetings", self.meetings)
            self.step("support_contacts", self.support_contacts)
            self.step("training", self.training)
            self.step("surveys", self.surveys)
        return self.counts

    # -- organisation, staff, campaigns --------------------------------------------------------

    def organisation(self) -> None:
        from koppel.accounts.models import User
        from koppel.programmes.models import (
            Administrator,
            Coordinator,
            Organisation,
            Programme,
            ProgrammeSettings,
        )

        day = self.first_day
        self.org = _stamp(Organisation(name="Stichting Benchmark", slug="benchmark"), day)
        self.org.save()
        self.programme = _stamp(
            Programme(
                organisation=self.org,
                name="Maatjes Groot",
                kind="community",
                locations=["community_centre", "free"],
            ),
            day,
        )
        self.programme.save()
        _stamp(ProgrammeSettings(programme=self.programme), day).save()
        # A second, small programme so that reports filter on the programme.
        self.other_programme = _stamp(Programme(organisation=self.org, name="Klein", kind="school"), day)
        self.other_programme.save()
        _stamp(ProgrammeSettings(programme=self.other_programme), day).save()
        self.coordinators = []
        for n in range(8):
            user = User(email=f"coordinator{n}@bench.example", name=f"Coordinator {n}", language="en")
            user.set_unusable_password()
            user.save()
            _stamp(Coordinator(user=user, programme=self.programme), day).save()
            self.coordinators.append(user)
        admin = User(email="admin@bench.example", name="Admin", language="en")
        admin.set_unusable_password()
        admin.save()
        _stamp(Administrator(user=admin, organisation=self.org), day).save()
        self.admin = admin
        self.counts["organisation"] = 1

    def campaigns(self) -> None:
        from koppel.people.enums import Channel, MentorMotive
        from koppel.people.models import Campaign

        rnd = self.rnd
        rows = []
        for n in range(max(4, round(60 * min(1.0, self.scale * 4)))):
            starts = self.first_day + timedelta(days=rnd.randint(-200, HISTORY_DAYS - 60))
            rows.append(
                _stamp(
                    Campaign(
                        programme=self.programme,
                        name=f"Campagne {n}",
                        channel=rnd.choice(Channel.values),
                        motive=rnd.choice(MentorMotive.values),
                        token=f"bench{n:05d}",
                        starts_on=starts,
                        ends_on=starts + timedelta(days=rnd.randint(30, 120)),
                        is_active=False,
                    ),
                    starts,
                )
            )
        self.campaign_rows = bulk(Campaign, rows)
        self.counts["campaigns"] = len(rows)

    # -- people -------------------------------------------------------------------------------

    def _person(self, model, n: int, role: str, born_from: int, born_to: int, **extra):
        rnd = self.rnd
        return model(
            programme=self.programme,
            coordinator=rnd.choice(self.coordinators),
            first_name=rnd.choice(FIRST_NAMES),
            last_name=f"{role} {n}",
            date_of_birth=self.today - timedelta(days=rnd.randint(born_from * 365, born_to * 365)),
            gender=rnd.choices(["female", "male", "non_binary", "unspecified"], [48, 48, 2, 2])[0],
            languages=["nl"] + ([rnd.choice(LANGUAGES)] if rnd.random() < 0.3 else []),
            cultural_background=rnd.choice(BACKGROUNDS) if rnd.random() < 0.6 else "",
            postcode=f"{rnd.randint(1000, 9999)}AB",
            **extra,
        )

    def youth(self) -> None:
        from koppel.people.models import Guardian, Guardianship, Youth

        rnd = self.rnd
        n_youth = scaled("youth", self.scale)
        n_matches = min(scaled("matches", self.scale), n_youth)
        rows = []
        for n in range(n_youth):
            extra = {
                "wish_mentor_gender": rnd.choices(["", "female", "male"], [80, 12, 8])[0],
                "wish_language": rnd.choice(LANGUAGES) if rnd.random() < 0.05 else "",
                "cultural_match": rnd.choices(["not", "nice", "important", "required"], [50, 25, 17, 8])[0],
            }
            if n < n_matches:  # status and dates set when the match is made
                status, since, joined = "matched", None, self.first_day
            else:
                status = rnd.choices(["waiting", "intake", "withdrawn"], [50, 16, 34])[0]
                joined = self.today - timedelta(days=rnd.randint(1, 500))
                since = joined + timedelta(days=14) if status == "waiting" else None
                if since is not None and since > self.today:
                    since = self.today
            rows.append(
                _stamp(
                    self._person(Youth, n, "Jongere", 10, 18, status=status, waiting_since=since, **extra),
                    joined,
                )
            )
        self.youth_rows = bulk(Youth, rows)
        guardians = bulk(
            Guardian,
            (
                _stamp(
                    Guardian(
                        organisation=self.org,
                        first_name=rnd.choice(FIRST_NAMES),
                        last_name=f"Ouder {n}",
                        preferred_language=rnd.choices(["nl", "en"], [9, 1])[0],
                    ),
                    self.first_day,
                )
                for n in range(n_youth)
            ),
        )
        fast_insert(
            Guardianship,
            (
                _stamp(
                    Guardianship(youth=y, guardian=g, relation=rnd.choice(["mother", "father", "carer"])),
                    self.first_day,
                )
                for y, g in zip(self.youth_rows, guardians, strict=True)
            ),
        )
        self.guardian_of = {y.pk: g for y, g in zip(self.youth_rows, guardians, strict=True)}
        self.counts["youth"] = n_youth
        self.counts["guardians"] = n_youth

    def mentors(self) -> None:
        from koppel.people.models import Mentor

        rnd = self.rnd
        n_mentors = scaled("mentors", self.scale)
        rows = []
        for n in range(n_mentors):
            applied = self.first_day + timedelta(days=rnd.randint(-120, HISTORY_DAYS - 1))
            campaign = rnd.choice(self.campaign_rows) if rnd.random() < 0.8 else None
            if campaign is not None:
                applied = max(campaign.starts_on, min(applied, campaign.ends_on))
            mentor = self._person(
                Mentor,
                n,
                "Mentor",
                18,
                65,
                status="applied",
                campaign=campaign,
                channel=campaign.channel if campaign else rnd.choice(["word_of_mouth", "website", "other"]),
                applied_at=_at(applied, 10),
                motives=[rnd.choice(["career", "personal", "altruism"])],
            )
            rows.append(_stamp(mentor, applied))
        self.mentor_rows = bulk(Mentor, rows)
        self.counts["mentors"] = n_mentors

    # -- matches ------------------------------------------------------------------------------

    def matches(self) -> None:
        """Most closed, a few thousand active, a few not yet started; start dates over four years."""
        from koppel.matches.models import Agreement, Match, MatchEvent, MatchMentor
        from koppel.people.models import Mentor, PipelineEvent, Youth

        rnd = self.rnd
        n_matches = min(scaled("matches", self.scale), len(self.youth_rows))
        # 13 of every 15 matches have their own mentor; the rest go to a mentor's second match.
        n_used = min(len(self.mentor_rows), max(1, round(n_matches * 13 / 15)))
        self.match_plan = []
        rows = []
        for n in range(n_matches):
            youth = self.youth_rows[n]
            mentor = self.mentor_rows[n % n_used]
            start = self.first_day + timedelta(days=rnd.randint(0, HISTORY_DAYS - 20))
            early = rnd.random() < 0.3
            days = rnd.randint(30, 330) if early else rnd.randint(365, 560)
            end = start + timedelta(days=days)
            if n >= n_matches - max(1, n_matches // 50):  # 2%: proposed, introduced or agreed
                state = rnd.choice(["proposed", "introduced", "agreed"])
                start = end = None
                made = self.today - timedelta(days=rnd.randint(1, 40))
            elif end < self.today:
                state, made = "closed", start - timedelta(days=21)
            else:
                state = "closing" if (end - self.today).days < 20 and rnd.random() < 0.5 else "active"
                end, made = None, start - timedelta(days=21)
            match = Match(
                programme=self.programme,
                youth=youth,
                state=state,
                origin=rnd.choices(["round", "click", "youth_suggested"], [85, 10, 5])[0],
                introduced_on=made + timedelta(days=7) if state != "proposed" else None,
                agreed_on=made + timedelta(days=14) if state not in ("proposed", "introduced") else None,
                started_on=start,
                ended_on=end,
                paused_since=self.today - timedelta(days=10)
                if state == "active" and rnd.random() < 0.02
                else None,
            )
            rows.append(_stamp(match, made))
            self.match_plan.append(
                {"early": early, "mentor": mentor, "youth": youth, "regular": rnd.uniform(0.5, 1.4)}
            )
        self.match_rows = bulk(Match, rows)
        fast_insert(
            MatchMentor,
            (
                _stamp(MatchMentor(match=m, mentor=p["mentor"]), m.created_at.date())
                for m, p in zip(self.match_rows, self.match_plan, strict=True)
            ),
        )

        events, agreements = [], []
        for match in self.match_rows:
            made = match.created_at.date()
            events.append(MatchEvent(match=match, from_state="", to_state="proposed", at=_at(made)))
            if match.started_on:
                events.append(
                    MatchEvent(match=match, from_state="agreed", to_state="active", at=_at(match.started_on))
                )
            if match.ended_on:
                events.append(
                    MatchEvent(match=match, from_state="closing", to_state="closed", at=_at(match.ended_on))
                )
            if match.agreed_on:
                agreements.append(
                    _stamp(
                        Agreement(
                            match=match,
                            number=1,
                            start_date=match.started_on or match.agreed_on,
                            duration_months=12,
                            meeting_interval_days=7,
                            place="free",
                            approach="combined",
                            contact_after="programme",
                        ),
                        match.agreed_on,
                    )
                )
        fast_insert(MatchEvent, events)
        fast_insert(Agreement, agreements)

        # Youth and mentor states follow their matches.
        youth_status = {}
        mentor_state: dict[int, str] = {}
        first_start: dict[int, date] = {}
        for match, plan in zip(self.match_rows, self.match_plan, strict=True):
            youth_status[match.youth_id] = {"closed": "closed"}.get(match.state, "matched")
            mentor_id = plan["mentor"].pk
            open_now = match.state != "closed"
            if open_now or mentor_id not in mentor_state:
                mentor_state[mentor_id] = "matched" if open_now else "done"
            day = match.started_on or match.created_at.date()
            first_start[mentor_id] = min(first_start.get(mentor_id, day), day)
        youth_updates = []
        made_on = {m.youth_id: m.created_at.date() for m in self.match_rows}
        for youth in self.youth_rows:
            if youth.pk in youth_status:
                youth.status = youth_status[youth.pk]
                # They waited before the match was made (fast_update keeps these timestamps).
                youth.waiting_since = made_on[youth.pk] - timedelta(days=rnd.randint(14, 240))
                youth.created_at = youth.updated_at = _at(youth.waiting_since - timedelta(days=14))
                youth_updates.append(youth)
        fast_update(Youth, youth_updates, ["status", "waiting_since", "created_at", "updated_at"])

        pipeline = []
        unmatched = [
            ("applied", 10),
            ("interview_planned", 5),
            ("in_screening", 10),
            ("approved", 5),
            ("ready", 25),
            ("withdrawn", 25),
            ("rejected", 15),
            ("disqualified", 5),
        ]
        path = ["applied", "in_screening", "approved", "ready", "matched"]
        for mentor in self.mentor_rows:
            state = mentor_state.get(mentor.pk)
            applied = mentor.applied_at.date()
            if state == "matched":
                mentor.status = "matched"
            elif state == "done":
                mentor.status = rnd.choices(["ready", "withdrawn", "paused"], [30, 60, 10])[0]
            else:
                mentor.status = _weighted(rnd, unmatched)
            if mentor.pk in first_start:
                applied = min(applied, first_start[mentor.pk] - timedelta(days=rnd.randint(40, 120)))
                mentor.applied_at = _at(applied, 10)
                reached = path
            elif mentor.status in path:
                reached = path[: path.index(mentor.status) + 1]
            elif mentor.status == "interview_planned":
                reached = ["applied", "interview_planned"]
            else:
                reached = path[: rnd.randint(1, 3)]
            previous = ""
            for k, to_status in enumerate(reached):
                pipeline.append(
                    PipelineEvent(
                        mentor=mentor,
                        from_status=previous,
                        to_status=to_status,
                        at=_at(applied + timedelta(days=10 * k)),
                    )
                )
                previous = to_status
            if mentor.status not in reached:
                pipeline.append(
                    PipelineEvent(
                        mentor=mentor,
                        from_status=previous,
                        to_status=mentor.status,
                        at=_at(applied + timedelta(days=10 * len(reached))),
                    )
                )
        for mentor in self.mentor_rows:
            if mentor.status == "disqualified":  # the status and its reason go together (SCR-3)
                mentor.disqualification_reason = "vog_refused"
        fast_update(Mentor, self.mentor_rows, ["status", "applied_at", "disqualification_reason"])
        fast_insert(PipelineEvent, pipeline)
        self.counts["matches"] = len(self.match_rows)
        self.counts["pipeline_events"] = len(pipeline)

    def closures(self) -> None:
        from koppel.matches.models import Closure

        rnd = self.rnd
        rows = []
        for match, plan in zip(self.match_rows, self.match_plan, strict=True):
            if match.state != "closed":
                continue
            early = plan["early"]
            follow_up_due = _add_months(match.ended_on, FOLLOW_UP_MONTHS)
            rows.append(
                _stamp(
                    Closure(
                        match=match,
                        kind="early" if early else "planned",
                        reason=_weighted(rnd, CLOSURE_EARLY_REASONS)
                        if early
                        else rnd.choice(["duration_reached", "goals_reached"]),
                        ended_by=rnd.choice(ENDED_BY) if early else "",
                        ends_on=match.ended_on,
                        early=early,
                        contact_after=rnd.choice(["none", "programme", "free"]),
                        follow_up_due=follow_up_due,
                        closed_at=_at(match.ended_on, 16),
                    ),
                    match.ended_on - timedelta(days=14),
                )
            )
        self.closure_rows = {c.match_id: c for c in bulk(Closure, rows)}
        self.counts["closures"] = len(rows)

    # -- the relationship: meetings and support -------------------------------------------------

    def _started(self):
        for match, plan in zip(self.match_rows, self.match_plan, strict=True):
            if match.started_on is not None:
                yield match, plan, min(match.ended_on or self.today, self.today)

    def meetings(self) -> None:
        from koppel.matches.models import MeetingLog

        rnd = self.rnd
        started = list(self._started())
        weights = [max(1, (last - m.started_on).days) * p["regular"] for m, p, last in started]
        total = sum(weights)
        target = scaled("meetings", self.scale)
        shares = [int(target * w / total) for w in weights]
        for k in rnd.sample(range(len(shares)), target - sum(shares)):
            shares[k] += 1
        places, activities = ["community_centre", "free", "school"], ["fun", "learning", "both"]

        def rows():
            for (match, plan, last), count in zip(started, shares, strict=True):
                span = max(0, (last - match.started_on).days)
                mentor = plan["mentor"]
                for _ in range(count):
                    held = match.started_on + timedelta(days=rnd.randint(0, span))
                    at = _at(held, 20)
                    yield {
                        "created_at": at,
                        "updated_at": at,
                        "match_id": match.pk,
                        "mentor_id": mentor.pk,
                        "held_on": held,
                        "duration_minutes": rnd.choice((45, 60, 90, 120, 180)),
                        "place": rnd.choice(places),
                        "activity": rnd.choice(activities),
                        "how_it_went": rnd.choices(("good", "ok", "difficult"), (70, 25, 5))[0],
                        "confirmed_by_youth_at": at if rnd.random() < 0.4 else None,
                    }

        self.counts["meetings"] = fast_insert(MeetingLog, rows())

    def support_contacts(self) -> None:
        """SUP-1: twice a month for three months, then monthly to a year, then every three months;
        with the mentor (80% of contacts held) and with a guardian (60%)."""
        from koppel.matches.models import SupportContact

        rnd = self.rnd
        by = self.coordinators[0]

        def due_days(start: date, last: date) -> Iterator[date]:
            day, months = start, 0
            while True:
                step = 15 if months < 3 else (30 if months < 12 else 91)
                day += timedelta(days=step)
                months = (day - start).days // 30
                if day > last:
                    return
                yield day

        def contact(match, held: date, **extra) -> dict:
            at = _at(held, 11)
            return {
                "created_at": at,
                "updated_at": at,
                "match_id": match.pk,
                "held_on": held,
                "by_id": by.pk,
                **extra,
            }

        def rows():
            for match, plan, last in self._started():
                guardian = self.guardian_of[match.youth_id]
                for day in due_days(match.started_on, last):
                    if rnd.random() < 0.8:
                        held = day + timedelta(days=rnd.randint(-3, 5))
                        yield contact(
                            match,
                            held,
                            with_whom="mentor",
                            mentor_id=plan["mentor"].pk,
                            channel=rnd.choice(["phone", "visit", "message"]),
                            topics=["relationship"],
                        )
                    if rnd.random() < 0.6:
                        held = day + timedelta(days=rnd.randint(-3, 8))
                        yield contact(
                            match,
                            held,
                            with_whom="guardian",
                            guardian_id=guardian.pk,
                            channel=rnd.choice(["phone", "visit"]),
                            topics=["impact"],
                        )

        self.counts["support_contacts"] = fast_insert(SupportContact, rows())

    # -- training (TRN-1, TRN-2) ---------------------------------------------------------------

    def training(self) -> None:
        from koppel.training.models import ExternalHours, Registration, Session

        rnd = self.rnd
        sessions = []
        day = self.first_day - timedelta(days=180)
        while day < self.today + timedelta(days=30):
            sessions.append(
                _stamp(
                    Session(
                        programme=self.programme,
                        title=f"Training {day:%Y-%m-%d}",
                        starts_at=_at(day, 18),
                        duration_hours=rnd.choice((2, 2.5, 3)),
                        audience="mentor",
                    ),
                    day - timedelta(days=30),
                )
            )
            day += timedelta(days=rnd.choice((5, 7, 9)))
        sessions = bulk(Session, sessions)
        starts = [s.starts_at.date() for s in sessions]

        def index_after(day: date) -> int:
            from bisect import bisect_left

            return bisect_left(starts, day)

        seen: set[tuple[int, int]] = set()
        registrations, external = [], []
        first_start: dict[int, date] = {}
        last_day: dict[int, date] = {}
        for match, plan, last in self._started():
            mentor_id = plan["mentor"].pk
            first_start[mentor_id] = min(first_start.get(mentor_id, match.started_on), match.started_on)
            last_day[mentor_id] = max(last_day.get(mentor_id, last), last)
        for mentor in self.mentor_rows:
            applied = mentor.applied_at.date()
            wanted = []
            if mentor.pk in first_start:
                i = index_after(applied)
                wanted += list(range(i, min(i + rnd.choice((1, 2, 3)), len(sessions))))  # TRN-1
                j, k = index_after(first_start[mentor.pk]), index_after(last_day[mentor.pk])
                wanted += [x for x in range(j, k) if rnd.random() < 0.12]  # TRN-2, some months only
                if rnd.random() < 0.3:
                    for _ in range(rnd.randint(1, 4)):
                        d = first_start[mentor.pk] + timedelta(
                            days=rnd.randint(0, max(1, (last_day[mentor.pk] - first_start[mentor.pk]).days))
                        )
                        external.append(
                            _stamp(
                                ExternalHours(
                                    mentor=mentor,
                                    date=d,
                                    hours=rnd.choice((1, 2, 4)),
                                    kind=rnd.choice(["external", "self_study"]),
                                    description="Cursus",
                                    recorded_by=self.coordinators[0],
                                ),
                                d,
                            )
                        )
            elif mentor.status in ("approved", "ready") and rnd.random() < 0.7:
                i = index_after(applied)
                wanted += list(range(i, min(i + rnd.choice((1, 2)), len(sessions))))
            for x in wanted:
                if (x, mentor.pk) in seen:
                    continue
                seen.add((x, mentor.pk))
                session = sessions[x]
                attended = session.starts_at.date() < self.today and rnd.random() < 0.92
                held = session.starts_at.date() < self.today
                registration = Registration(
                    session=session,
                    mentor=mentor,
                    attended=attended if held else None,
                    hours_credited=session.duration_hours if attended else 0,
                )
                registrations.append(_stamp(registration, session.starts_at.date() - timedelta(days=7)))
        fast_insert(Registration, registrations)
        fast_insert(ExternalHours, external)
        self.counts["training_sessions"] = len(sessions)
        self.counts["training"] = len(registrations)
        self.counts["external_hours"] = len(external)

    # -- surveys and scores (OUT-1..4) ---------------------------------------------------------

    def instruments(self) -> None:
        """The instruments that ship with Koppel (migrate installs them; again here if a test flushed)."""
        from koppel.surveys.domain.instruments import install_shipped_instruments
        from koppel.surveys.models import Instrument

        shipped = Instrument.objects.filter(organisation__isnull=True, active=True)
        if not shipped.exists():
            install_shipped_instruments()
        self.instrument_rows = list(shipped.prefetch_related("subscales"))
        self.counts["instruments"] = len(self.instrument_rows)

    def surveys(self) -> None:
        from django.db import models

        from koppel.surveys.domain.baselines import pair_key
        from koppel.surveys.enums import RELATIONSHIP_DOMAINS, SENSITIVE_DOMAINS, Moment
        from koppel.surveys.models import Assignment, QualityAlert, Score, SurveySchedule

        rnd = self.rnd
        instruments = self.instrument_rows
        outcomes = [i for i in instruments if i.kind == "outcomes"]
        relationship = [i for i in instruments if i.kind == "relationship"]
        plans = []  # (instrument, respondent, moment, months)
        for inst in outcomes:
            for who in {"youth", "guardian"} & set(inst.respondents):
                plans += [(inst, who, Moment.BASELINE, None), (inst, who, Moment.CLOSURE, None)]
                plans += [(inst, who, Moment.DURING, m) for m in OUTCOME_MONTHS]
                plans.append((inst, who, Moment.FOLLOW_UP, FOLLOW_UP_MONTHS))
        for inst in relationship:
            for who in {"youth", "mentor"} & set(inst.respondents):
                plans += [(inst, who, Moment.DURING, m) for m in RELATIONSHIP_MONTHS]
                plans.append((inst, who, Moment.CLOSURE, None))
        schedules = {}
        for inst, who, moment, months in plans:
            schedule = _stamp(
                SurveySchedule(
                    programme=self.programme, instrument=inst, respondent=who, moment=moment, months=months
                ),
                self.first_day,
            )
            schedules[(inst.pk, who, moment, months)] = schedule
        bulk(SurveySchedule, schedules.values())

        # Every survey that was due, for matched youth and for youth still waiting (baseline only).
        candidates = []
        by_youth = {}
        for match, plan in zip(self.match_rows, self.match_plan, strict=True):
            by_youth[match.youth_id] = (match, plan)
        for youth in self.youth_rows:
            match, plan = by_youth.get(youth.pk, (None, None))
            start = match.started_on if match else None
            end = match.ended_on if match else None
            for inst, who, moment, months in plans:
                if moment == Moment.BASELINE:
                    due = (
                        (start - timedelta(days=30)) if start else youth.created_at.date() + timedelta(days=7)
                    )
                    if match is None and youth.status == "withdrawn":
                        continue
                elif start is None:
                    continue
                elif moment == Moment.DURING:
                    due = _add_months(start, months)
                    if end is not None and due > end:
                        continue
                elif moment == Moment.CLOSURE:
                    if end is None:
                        continue
                    due = end
                else:
                    if end is None:
                        continue
                    due = _add_months(end, months)
                if due > self.today:
                    continue
                candidates.append((youth, match, plan, inst, who, moment, months, due))
        target = scaled("surveys", self.scale)
        answered = [c for c in candidates if rnd.random() < RESPONSE_RATE[c[5]]]
        if len(answered) > target:
            answered = rnd.sample(answered, target)
        elif len(answered) < target:
            chosen = {id(c) for c in answered}
            rest = [c for c in candidates if id(c) not in chosen]
            answered += rnd.sample(rest, min(len(rest), target - len(answered)))
        submitted = {id(c) for c in answered}

        def assignment(n: int, c: tuple) -> dict:
            youth, match, plan, inst, who, moment, months, due = c
            is_submitted = id(c) in submitted
            closes = due + timedelta(days=30)
            done = min(due + timedelta(days=rnd.randint(0, 25)), self.today)
            created = _at(due - timedelta(days=7))
            return {
                "created_at": created,
                "updated_at": _at(done, 20) if is_submitted else created,
                "programme_id": self.programme.pk,
                "schedule_id": schedules[(inst.pk, who, moment, months)].pk,
                "instrument_id": inst.pk,
                "youth_id": youth.pk,
                "match_id": match.pk if match is not None and moment != Moment.BASELINE else None,
                "respondent": who,
                "mentor_id": plan["mentor"].pk if who == "mentor" else None,
                "guardian_id": self.guardian_of[youth.pk].pk if who == "guardian" else None,
                "moment": moment,
                "months": months,
                "due_on": due,
                "closes_on": closes,
                "status": "submitted" if is_submitted else ("expired" if closes < self.today else "open"),
                "language": "nl",
                "young": False,
                "started_at": _at(done, 19) if is_submitted else None,
                "submitted_at": _at(done, 20) if is_submitted else None,
                "key": f"bench:{n}",
            }

        assignments = [assignment(n, c) for n, c in enumerate(candidates)]
        fast_insert(Assignment, assignments)
        ids = dict(Assignment.objects.filter(key__startswith="bench:").values_list("key", "id"))
        # Scores: a youth's latent level per domain that improves with the time matched (OUT-3);
        # relationship quality a little lower in early-closed matches.
        level: dict[tuple[int, str], float] = {}
        subscales = {inst.pk: list(inst.subscales.all()) for inst in instruments}
        threshold_of = {sub.pk: sub.threshold for subs in subscales.values() for sub in subs}

        # OUT-1, OUT-3: a later score carries the latest baseline with the same pair key (instrument,
        # subscale, respondent), as surveys/domain/baselines.py copies it into Score.baseline.
        baselines: dict[tuple[int, str], tuple[date, float]] = {}
        instrument_key = {inst.pk: inst.key for inst in instruments}

        def scores():
            for a, c in zip(assignments, candidates, strict=True):
                if a["status"] != "submitted":
                    continue
                match, plan = c[1], c[2]
                months_matched = 0.0
                if match is not None and match.started_on and a["moment"] != Moment.BASELINE:
                    months_matched = min(24.0, (a["due_on"] - match.started_on).days / 30.4)
                for sub in subscales[a["instrument_id"]]:
                    n_items = 4
                    answered_n = n_items if rnd.random() > 0.01 else 1
                    if sub.domain in RELATIONSHIP_DOMAINS:
                        early = 0.5 if plan and plan["early"] else 0
                        value = 4.1 - early + (0.1 if a["respondent"] == "mentor" else 0) + rnd.gauss(0, 0.6)
                    else:
                        key = (a["youth_id"], sub.domain)
                        if key not in level:
                            sensitive = sub.domain in SENSITIVE_DOMAINS
                            level[key] = rnd.gauss(1.6, 0.5) if sensitive else rnd.gauss(3.0, 0.6)
                        gain = 0.03 * months_matched + rnd.gauss(0, 0.3)
                        value = level[key] + (-gain / 2 if sub.domain in SENSITIVE_DOMAINS else gain)
                    value = round(min(5.0, max(1.0, value)), 2) if answered_n >= sub.min_answered else None
                    submitted_on = a["submitted_at"].date()
                    pair = pair_key(
                        instrument_key=instrument_key[a["instrument_id"]],
                        subscale_key=sub.key,
                        respondent=a["respondent"],
                        person_id=a["mentor_id"] or a["guardian_id"],
                    )
                    key = (a["youth_id"], pair)
                    baseline = None
                    if a["moment"] == Moment.BASELINE:
                        if value is not None:
                            baselines[key] = (submitted_on, value)
                    elif key in baselines and baselines[key][0] <= submitted_on:
                        baseline = baselines[key][1]
                    yield {
                        "assignment_id": ids[a["key"]],
                        "subscale_id": sub.pk,
                        "value": value,
                        "baseline": baseline,
                        "pair_key": pair,
                        "answered": answered_n,
                        "items": n_items,
                        "programme_id": a["programme_id"],
                        "youth_id": a["youth_id"],
                        "match_id": a["match_id"],
                        "respondent": a["respondent"],
                        "moment": a["moment"],
                        "months": a["months"],
                        "domain": sub.domain,
                        "submitted_on": submitted_on,
                    }

        n_scores = fast_insert(Score, scores())
        # OUT-4: an alert for each relationship score below its subscale's threshold.
        alerts = []
        low = Score.objects.filter(match__isnull=False, subscale__threshold__isnull=False).filter(
            value__lt=models.F("subscale__threshold")
        )
        for score_id, match_id, value, subscale_id, submitted_on in low.values_list(
            "id", "match_id", "value", "subscale_id", "submitted_on"
        ):
            handled = submitted_on < self.today - timedelta(days=30)
            alert = QualityAlert(
                match_id=match_id,
                score_id=score_id,
                reason="below_threshold",
                value=value,
                threshold=threshold_of[subscale_id],
                handled_at=_at(submitted_on + timedelta(days=5)) if handled else None,
                handled_by=self.coordinators[0] if handled else None,
            )
            alerts.append(_stamp(alert, submitted_on))
        fast_insert(QualityAlert, alerts)
        # OUT-2: the follow-up is done when the youth's follow-up survey came in.
        from koppel.matches.models import Closure

        done = {}
        for a in assignments:
            if (
                a["status"] == "submitted"
                and a["moment"] == Moment.FOLLOW_UP
                and a["match_id"] in self.closure_rows
            ):
                day = a["submitted_at"].date()
                done[a["match_id"]] = min(done.get(a["match_id"], day), day)
        closures = []
        for match_id, day in done.items():
            closure = self.closure_rows[match_id]
            closure.follow_up_done_on = day
            closures.append(closure)
        fast_update(Closure, closures, ["follow_up_done_on"])
        self.counts["surveys"] = len(answered)
        self.counts["survey_assignments"] = len(assignments)
        self.counts["scores"] = n_scores
        self.counts["quality_alerts"] = len(alerts)


def _all_models():
    from django.apps import apps

    return apps.get_models()


# --- Measuring -------------------------------------------------------------------------------------


@contextmanager
def counting_queries() -> Iterator[list[int]]:
    """Count the queries of every connection, in every thread (the dashboard reads its sections
    side by side, each on its own connection, where CaptureQueriesContext sees only this one)."""
    import threading

    from django.db.backends.utils import CursorWrapper

    count = [0]
    lock = threading.Lock()
    original = CursorWrapper._execute_with_wrappers

    def counted(self, *args, **kwargs):
        with lock:
            count[0] += 1
        return original(self, *args, **kwargs)

    CursorWrapper._execute_with_wrappers = counted
    try:
        yield count
    finally:
        CursorWrapper._execute_with_wrappers = original


def _median_run(function, runs: int) -> tuple[float, int, list]:
    """One warm-up, then `runs` timed runs: median seconds, the queries of the last run (on every
    connection), and the SQL of those on this thread's connection (for --explain)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    function()
    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx, counting_queries() as count:
            started = time.perf_counter()
            function()
            times.append(time.perf_counter() - started)
    return statistics.median(times), count[0], ctx.captured_queries


def reports() -> dict:
    """The reports to measure: name -> (domain function path, URL name). Missing ones are skipped."""
    return {
        "dashboard": ("koppel.reports.domain.dashboard", "build_dashboard", "staff:dashboard"),
        "outcomes": ("koppel.reports.domain.outcomes", "build_outcomes", "staff:outcomes"),
    }


def measure(
    *, today: date, runs: int = 5, explain: bool = False, page_params: dict | None = None
) -> list[dict]:
    """Time each report as the domain call and as the page; returns one dict per measurement."""
    import importlib

    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    from koppel.programmes.models import Coordinator, Programme
    from koppel.reports.domain.period import build_filter, default_period

    coordinator = Coordinator.objects.select_related("user", "programme").order_by("pk").first()
    programme = coordinator.programme
    start, end = default_period(today)
    report_filter = build_filter(Programme.objects.filter(pk=programme.pk), start=start, end=end)
    _allow_staff_login(coordinator.user)
    client = Client()
    client.force_login(coordinator.user)
    results = []
    for name, (module_path, function_name, url_name) in reports().items():
        try:
            module = importlib.import_module(module_path)
            build = getattr(module, function_name)
        except (ImportError, AttributeError):
            results.append({"report": name, "kind": "domain", "missing": f"{module_path}.{function_name}"})
        else:

            def call(build=build):
                report = build(report_filter, today=today)
                return report.tables() if hasattr(report, "tables") else report

            seconds, queries, _captured = _median_run(call, runs)
            results.append({"report": name, "kind": "domain", "seconds": seconds, "queries": queries})
            if explain:
                print_slowest(name, _serial_queries(build, report_filter, today))
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            results.append({"report": name, "kind": "page", "missing": url_name})
            continue

        def get(url=url):
            response = client.get(url, page_params or {})
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
            return response

        seconds, queries, captured = _median_run(get, runs)
        results.append({"report": name, "kind": "page", "seconds": seconds, "queries": queries})
        if explain:
            print_slowest(f"{name} page", captured)
    return results


def _serial_queries(build, report_filter, today: date) -> list:
    """The report's queries, all on this connection (sections one after the other), for --explain."""
    import inspect

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    serial = {"concurrent": False} if "concurrent" in inspect.signature(build).parameters else {}
    with CaptureQueriesContext(connection) as ctx:
        report = build(report_filter, today=today, **serial)
        if hasattr(report, "tables"):
            report.tables()
    return ctx.captured_queries


def _allow_staff_login(user) -> None:
    """Staff must have MFA outside the demo: give the coordinator a TOTP authenticator, as the tests do."""
    from allauth.mfa.models import Authenticator

    from koppel.accounts.crypto import encrypt

    Authenticator.objects.get_or_create(
        user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": encrypt("JBSWY3DPEHPK3PXP")}}
    )


def print_slowest(label: str, captured: list, top: int = 5) -> None:
    """Run each captured query again, timed, and print the slowest with its plan."""
    from django.db import connection

    timed = []
    with connection.cursor() as cursor:
        for query in captured:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            started = time.perf_counter()
            cursor.execute(sql)
            cursor.fetchall()
            timed.append((time.perf_counter() - started, sql))
        timed.sort(reverse=True)
        print(
            f"\n--- {label}: {len(timed)} SELECTs, {sum(t for t, _ in timed) * 1000:.0f} ms in all; slowest:"
        )
        for seconds, sql in timed[:top]:
            print(f"\n[{seconds * 1000:.0f} ms] {sql[:1500]}")
            prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
            cursor.execute(prefix + sql)
            for row in cursor.fetchall():
                print("   ", " | ".join(str(c) for c in row))


def print_table(results: list[dict], database: str) -> None:
    print(f"\n{'report':<10} {'measured as':<12} {'median':>9} {'queries':>8}  ({database})")
    for r in results:
        if "missing" in r:
            print(f"{r['report']:<10} {r['kind']:<12} {'-':>9} {'-':>8}  not built yet: {r['missing']}")
        else:
            flag = "  OVER 1 s" if r["seconds"] > 1 else ""
            print(f"{r['report']:<10} {r['kind']:<12} {r['seconds'] * 1000:7.0f} ms {r['queries']:>8}{flag}")


def row_counts() -> dict[str, int]:
    from koppel.matches.models import Closure, Match, MeetingLog, SupportContact
    from koppel.people.models import Mentor, Youth
    from koppel.surveys.models import Assignment, Score

    return {
        "youth": Youth.objects.count(),
        "mentors": Mentor.objects.count(),
        "matches": Match.objects.count(),
        "closures": Closure.objects.count(),
        "meetings": MeetingLog.objects.count(),
        "support_contacts": SupportContact.objects.count(),
        "surveys_submitted": Assignment.objects.filter(status="submitted").count(),
        "scores": Score.objects.count(),
    }


def analyze() -> None:
    """What autovacuum gives a live database after a large load: planner statistics, and on
    PostgreSQL a vacuum, whose visibility map lets covering indexes answer without the table
    (autovacuum vacuums a table after many inserts, PostgreSQL 13 and later)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 20,000 youth, 1,000,000 meeting logs")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--postgres-url", default=POSTGRES_URL)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards (for --reuse)")
    parser.add_argument("--reuse", action="store_true", help="measure a kept database of the same scale")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--explain", action="store_true", help="print the slowest queries and their plans")
    parser.add_argument(
        "--analyze",
        choices=["auto", "yes", "no"],
        default="auto",
        help="run ANALYZE (PostgreSQL: VACUUM ANALYZE) after the build "
        "(auto: on PostgreSQL, whose autovacuum does it; not on SQLite)",
    )
    parser.add_argument(
        "--no-jit",
        action="store_true",
        help="PostgreSQL: connect with `-c jit=off` (JIT compiling the reports' big queries costs seconds)",
    )
    args = parser.parse_args(argv)

    marker = marker_path(args.database)
    reuse = args.reuse and marker.exists() and json.loads(marker.read_text()).get("scale") == args.scale
    if not reuse:
        drop_database(args.database, args.postgres_url)
        create_database(args.database, args.postgres_url)
    url = database_url(args.database, args.postgres_url)
    if args.no_jit and args.database == "postgres":
        url += "?options=-c%20jit%3Doff"
    setup_django(url)

    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    setup_test_environment()  # the test client's host, and mail kept in memory
    today = timezone.localdate()
    load = os.getloadavg()
    jit = " (jit off)" if args.no_jit and args.database == "postgres" else ""
    print(
        f"database {args.database}{jit} ({connection.vendor}), scale {args.scale}, today {today}, "
        f"load {load[0]:.1f}"
    )
    try:
        started = time.monotonic()
        call_command("migrate", verbosity=0)
        print(f"migrate                  {time.monotonic() - started:7.1f} s")
        if reuse:
            info = json.loads(marker.read_text())
            print(f"reusing the database built in {info['build_seconds']:.0f} s")
        else:
            started = time.monotonic()
            Builder(args.scale, today=today).build()
            build_seconds = time.monotonic() - started
            print(f"build                    {build_seconds:7.1f} s")
            marker.write_text(
                json.dumps({"scale": args.scale, "build_seconds": build_seconds, "today": str(today)})
            )
        if args.analyze == "yes" or (args.analyze == "auto" and connection.vendor == "postgresql"):
            started = time.monotonic()
            analyze()
            print(f"vacuum/analyze           {time.monotonic() - started:7.1f} s")
        print("rows: " + ", ".join(f"{k} {v:,}" for k, v in row_counts().items()))
        results = measure(today=today, runs=args.runs, explain=args.explain)
        print_table(results, args.database)
    finally:
        connection.close()
        if not args.keep:
            drop_database(args.database, args.postgres_url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
