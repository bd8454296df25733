# ruff: noqa: T201  (a script that prints its findings)
"""Security walk: every page of Koppel asked by every role, with other programmes' and other people's
ids, wrong-role POSTs, and markup planted in every free-text field.

    uv run python scripts/security_walk.py                        # SQLite, in a temporary folder
    uv run python scripts/security_walk.py --database postgres    # PostgreSQL (database koppel_walk)
    uv run python scripts/security_walk.py --verbose              # print every finding in full

It builds its own database with the demo programme (two programmes, an administrator, a coordinator
per programme, a mentor, a youth and a parent with a login) with production settings (DEBUG off,
MFA enforced: the staff logins get an authenticator), never touching ./var/koppel.sqlite3. Then:

1. GET every URL pattern (Koppel's pages, allauth's and the Django admin's) with ids from both
   programmes, an id that does not exist and an id of 2**63, and real and garbled link tokens, as
   each of the seven users (anonymous, administrator, two coordinators, mentor, youth, parent).
2. POST to every such URL as every user who is refused it (403, 404, or sent to log in), and as
   users who must not reach it at all (anyone on another programme's object, portal users on staff
   pages, anonymous on non-public pages); the database must not change.
3. Append a marker `<kx-probe ...>` to every free-text field of every row, GET every page that
   answered 200 again, and look for the marker unescaped.
4. Checks on every answer: no 500; no 200 for a coordinator on the other programme's object, for a
   portal user on a staff page or on another family's match, or for anonymous on a non-public page;
   no full name of a person the user has no business with on a page it gets.

Prints the figures and every finding; exits 1 when there is one. docs/security.md describes it.
"""

from __future__ import annotations

import argparse
import html
import os
import re
import secrets
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/koppel_walk"
HUGE_ID = 2**63
MISSING_ID = 999_999_999
PROBE_TAG = "kx-probe"

# Which model the id in a URL means, by the path segment before it (or the argument's name).
SEGMENT_MODELS = {
    "programmes": "programmes.Programme",
    "mentors": "people.Mentor",
    "mentor_pk": "people.Mentor",
    "youth": "people.Youth",
    "youth_pk": "people.Youth",
    "guardians": "people.Guardian",
    "campaigns": "people.Campaign",
    "interviews": "people.Interview",
    "references": "people.Reference",
    "vog": "people.ConductCertificate",
    "disclosures": "people.SelfDisclosure",
    "sessions": "training.Session",
    "peer-groups": "training.PeerGroup",
    "matching": "matches.MatchRound",
    "proposals": "matches.RoundProposal",
    "pairs": "matches.PairRule",
    "matches": "matches.Match",
    "consents": "matches.Consent",
    "holidays": "matches.HolidayPeriod",
    "concerns": "matches.Concern",
    "resources": "matches.Resource",
    "reminders": "common.Reminder",
    "instruments": "surveys.Instrument",
    "quality-alerts": "surveys.QualityAlert",
    "survey-schedules": "surveys.SurveySchedule",
    "surveys": "surveys.Assignment",
    "exports": "reports.ExportJob",
    "meetings": "matches.MeetingLog",
    "applications": "people.RepeatApplication",
    "mail": "common.OutgoingMail",
}
STR_VALUES = {"action": ["accept", "reject", "x"], "kind": ["lock", "exclude", "x"]}
# Pages anyone may open: log-in and reset pages, the public application form, signed links.
PUBLIC_NAMESPACES = ("public", "links", "feeds")
PUBLIC_NAMES = {
    "set_language",
    "account_login",
    "account_signup",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
    "account_confirm_email",
    "account_inactive",
    "account_logout",
    "account_email_verification_sent",
    "account_confirm_login_code",
    "mfa_authenticate",
}
# Text fields that hold codes, not prose: a marker there tests nothing and breaks what reads them.
SKIP_TEXT_FIELDS = {
    "email",
    "token",
    "key",
    "password",
    "postcode",
    "phone",
    "language",
    "preferred_language",
    "slug",
    "code",
    "claimed_by",
    "task_path",
    "backend_name",
    "queue_name",
    "worker_ids",
    "page",
    "action",
    "object_id",
    "message_id",
}
ROLES = ("anonymous", "admin", "coordinator", "other_coordinator", "mentor", "youth", "guardian")


@dataclass
class Target:
    name: str
    url: str
    programmes: set[int] = field(default_factory=set)
    # For portal object pages: the matches and youth the object belongs to.
    matches: set[int] = field(default_factory=set)
    youth: set[int] = field(default_factory=set)
    probe: bool = False  # a deliberately bad id or token


@dataclass
class Report:
    gets: int = 0
    posts: int = 0
    patterns: int = 0
    findings: list[tuple[str, str, str, str]] = field(default_factory=list)
    statuses: Counter = field(default_factory=Counter)

    def find(self, kind: str, role: str, url: str, detail: str = "") -> None:
        self.findings.append((kind, role, url, detail))


def prepare_environment(database: str, folder: Path) -> None:
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "koppel.settings",
            "DEBUG": "0",
            "KOPPEL_DEMO": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "KOPPEL_DATA_DIR": str(folder),
            "SITE_URL": "http://testserver",
            "ALLOWED_HOSTS": "testserver",
            "TASKS_BACKEND": "immediate",
            "LOG_LEVEL": "CRITICAL",
        }
    )
    if database == "postgres":
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS koppel_walk")
            conn.execute("CREATE DATABASE koppel_walk")
        os.environ["DATABASE_URL"] = POSTGRES_URL
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'walk.sqlite3'}"


def url_patterns():
    """(name, pattern object, namespace) of every route, in order."""
    from django.urls import URLResolver, get_resolver

    def walk(resolver, prefix, namespace):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                ns = namespace + ([entry.namespace] if entry.namespace else [])
                yield from walk(entry, [*prefix, entry], ns)
            else:
                yield entry, prefix, namespace

    yield from walk(get_resolver(), [], [])


def programmes_of(obj) -> set[int]:
    from koppel.people.models import Guardian

    if isinstance(obj, Guardian):
        return set(obj.guardianships.values_list("youth__programme_id", flat=True))
    for path in (
        "programme_id",
        "match.programme_id",
        "youth.programme_id",
        "mentor.programme_id",
        "agreement.match.programme_id",
        "round.programme_id",
        "group.programme_id",
        "session.programme_id",
        "assignment.programme_id",
    ):
        value = obj
        try:
            for part in path.split("."):
                value = getattr(value, part)
        except AttributeError:
            continue
        if value is not None:
            return {value}
    return set()


def family_of(obj) -> tuple[set[int], set[int]]:
    """(match ids, youth ids) an object belongs to, for the portal's pages."""
    from koppel.matches.models import Match
    from koppel.people.models import Youth

    if isinstance(obj, Match):
        return {obj.pk}, {obj.youth_id}
    if isinstance(obj, Youth):
        return set(obj.matches.values_list("pk", flat=True)), {obj.pk}
    match_id = getattr(obj, "match_id", None)
    youth_id = getattr(obj, "youth_id", None)
    return ({match_id} if match_id else set()), ({youth_id} if youth_id else set())


def sample_objects(model, per_programme: int = 1) -> list:
    """A few rows of `model` from each programme (or the first few where it has none)."""
    from koppel.programmes.models import Programme

    rows = list(model._default_manager.order_by("pk")[:400])
    chosen, seen = [], Counter()
    for row in rows:
        progs = programmes_of(row)
        key = min(progs) if progs else 0
        if seen[key] < per_programme:
            seen[key] += 1
            chosen.append(row)
    if model is Programme:
        chosen = rows
    return chosen


def build_targets(actors) -> tuple[list[Target], int]:
    from django.apps import apps
    from django.urls import reverse

    from koppel.matches.domain.agreement import consent_link
    from koppel.matches.models import Consent
    from koppel.people.domain.calendar import calendar_feed_token
    from koppel.people.models import Campaign
    from koppel.surveys.domain.delivery import survey_link
    from koppel.surveys.models import Assignment

    tokens = {
        "public:apply": [c.token for c in Campaign.objects.order_by("pk")[:4]],
        "public:apply_thanks": [c.token for c in Campaign.objects.order_by("pk")[:2]],
        "links:consent": [
            consent_link(c).rstrip("/").rsplit("/", 1)[-1] for c in Consent.objects.order_by("pk")[:3]
        ],
        "links:survey": [
            survey_link(a).rstrip("/").rsplit("/", 1)[-1] for a in Assignment.objects.order_by("pk")[:3]
        ],
        "feeds:calendar": [calendar_feed_token(actors.mentor_row)],
    }
    tokens["links:survey_save"] = tokens["links:survey"][:1]
    targets: list[Target] = []
    patterns = 0
    for pattern, prefix, namespace in url_patterns():
        if not pattern.name:
            continue
        ns = ":".join(namespace)
        name = f"{ns}:{pattern.name}" if ns else pattern.name
        patterns += 1
        regex_parts = [str(p.pattern) for p in prefix] + [str(pattern.pattern)]
        path = "".join(regex_parts)
        converters = {**pattern.pattern.converters}
        args = list(pattern.pattern.regex.groupindex)
        if not args:
            try:
                targets.append(Target(name, reverse(name)))
            except Exception as e:
                print(f"  skipped {name}: {type(e).__name__}")
            continue
        if ns == "admin":
            targets.extend(admin_targets(name, path, apps))
            continue
        if name in tokens:
            for token in tokens[name]:
                targets.append(Target(name, reverse(name, args=[token])))
            targets.append(Target(name, reverse(name, args=["garbled" + secrets.token_hex(4)]), probe=True))
            continue
        if name.startswith("account_"):
            kwargs = dict.fromkeys(args, "x")
            if "uidb36" in kwargs:
                kwargs = {"uidb36": "1", "key": "set-password"}
            try:
                targets.append(Target(name, reverse(name, kwargs=kwargs), probe=True))
            except Exception:  # noqa: S112 (allauth routes with patterns we cannot fill)
                continue
            continue
        if name == "staff:worklist_section":
            from koppel.staff.views_worklist import SPECS

            for key in [*SPECS, "x"]:
                targets.append(Target(name, reverse(name, args=[key])))
            continue
        targets.extend(object_targets(name, path, args, converters, apps))
    return targets, patterns


def admin_targets(name, path, apps) -> list[Target]:
    from django.urls import reverse

    if not name.endswith(("_change", "_history", "_delete")):
        return []
    app_model = name.removeprefix("admin:").rsplit("_", 1)[0]
    for model in apps.get_models():
        if f"{model._meta.app_label}_{model._meta.model_name}" == app_model:
            row = model._default_manager.order_by("pk").first()
            if row is None:
                return []
            return [Target(name, reverse(name, args=[row.pk]), programmes_of(row))]
    return []


def object_targets(name, path, args, converters, apps) -> list[Target]:
    from django.urls import reverse

    segments = [s for s in re.split(r"/+", path) if s]
    choices: list[list[tuple[object, object | None]]] = []
    for arg in args:
        if arg in STR_VALUES:
            choices.append([(v, None) for v in STR_VALUES[arg]])
            continue
        label = SEGMENT_MODELS.get(arg)
        if label is None:
            for i, seg in enumerate(segments):
                if f"<int:{arg}>" in seg or f"<{arg}>" in seg:
                    label = SEGMENT_MODELS.get(segments[i - 1]) if i else None
        if label is None:
            print(f"  no model known for {name} <{arg}>: ids only")
            choices.append([(1, None)])
            continue
        model = apps.get_model(label)
        rows = sample_objects(model)
        choices.append([(row.pk, row) for row in rows] + [(MISSING_ID, None), (HUGE_ID, None)])
    # Every value of each argument with the first value of the others: enough to cross programmes.
    base = [c[0] for c in choices]
    combos, seen = [], set()
    for i, values_of_arg in enumerate(choices):
        for choice in values_of_arg:
            combo = [*base[:i], choice, *base[i + 1 :]]
            key = tuple(v for v, _row in combo)
            if key not in seen:
                seen.add(key)
                combos.append(combo)
    targets = []
    for combo in combos:
        values = [v for v, _row in combo]
        rows = [row for _v, row in combo if row is not None]
        target = Target(name, reverse(name, args=values), probe=len(rows) < len(combo))
        for row in rows:
            target.programmes |= programmes_of(row)
            matches, youth = family_of(row)
            target.matches |= matches
            target.youth |= youth
        targets.append(target)
    return targets


@dataclass
class Actors:
    clients: dict
    mentor_row: object
    programme_of_coordinator: dict[str, int]
    family: dict[str, tuple[set[int], set[int]]]
    forbidden_names: dict[str, list[re.Pattern]]


def prepare_actors() -> Actors:
    from allauth.mfa.models import Authenticator
    from django.test import Client

    from koppel.accounts.crypto import encrypt
    from koppel.accounts.models import User
    from koppel.demo import load as demo
    from koppel.matches.models import Match
    from koppel.people.models import Guardian, Mentor, Youth

    emails = {
        "admin": demo.ADMIN_EMAIL,
        "coordinator": demo.COORDINATOR_ZUID_EMAIL,
        "other_coordinator": demo.COORDINATOR_SCHOOL_EMAIL,
        "mentor": demo.MENTOR_EMAIL,
        "youth": demo.YOUTH_EMAIL,
        "guardian": demo.GUARDIAN_EMAIL,
    }
    clients = {"anonymous": Client(raise_request_exception=False)}
    for role, email in emails.items():
        user = User.objects.get(email=email)
        if role in ("admin", "coordinator", "other_coordinator"):
            Authenticator.objects.get_or_create(
                user=user,
                type=Authenticator.Type.TOTP,
                defaults={"data": {"secret": encrypt("JBSWY3DPEHPK3PXP")}},
            )
        client = Client(raise_request_exception=False)
        client.force_login(user)
        clients[role] = client
    mentor_row = Mentor.objects.get(user__email=demo.MENTOR_EMAIL)
    youth_row = Youth.objects.get(user__email=demo.YOUTH_EMAIL)
    guardian_row = Guardian.objects.get(user__email=demo.GUARDIAN_EMAIL)
    from koppel.programmes.models import Coordinator

    coordinator_programme = {
        role: Coordinator.objects.filter(user__email=emails[role])
        .values_list("programme_id", flat=True)
        .first()
        for role in ("coordinator", "other_coordinator")
    }
    wards = set(guardian_row.guardianships.values_list("youth_id", flat=True))
    family = {
        "mentor": (
            set(Match.objects.filter(match_mentors__mentor=mentor_row).values_list("pk", flat=True)),
            set(),
        ),
        "youth": (set(Match.objects.filter(youth=youth_row).values_list("pk", flat=True)), {youth_row.pk}),
        "guardian": (set(Match.objects.filter(youth__in=wards).values_list("pk", flat=True)), wards),
    }
    family["mentor"] = (
        family["mentor"][0],
        set(Match.objects.filter(pk__in=family["mentor"][0]).values_list("youth_id", flat=True)),
    )
    # Who each user may see by name: staff their programme(s); portal users their own family.
    people: list[tuple[str, set[int], set[int]]] = []  # (full name, programmes, youth ids it concerns)
    for m in Mentor.objects.all():
        youth_ids = set(Match.objects.filter(match_mentors__mentor=m).values_list("youth_id", flat=True))
        people.append((m.full_name, {m.programme_id}, youth_ids))
    for y in Youth.objects.all():
        people.append((y.full_name, {y.programme_id}, {y.pk}))
    for g in Guardian.objects.prefetch_related("guardianships__youth"):
        people.append(
            (
                g.full_name,
                {gs.youth.programme_id for gs in g.guardianships.all()},
                {gs.youth_id for gs in g.guardianships.all()},
            )
        )
    allowed_youth = {role: fam[1] for role, fam in family.items()}
    forbidden: dict[str, set[str]] = defaultdict(set)
    allowed: dict[str, set[str]] = defaultdict(set)
    for name, progs, youth_ids in people:
        for role in ("coordinator", "other_coordinator"):
            (allowed if coordinator_programme[role] in progs else forbidden)[role].add(name)
        for role in ("mentor", "youth", "guardian"):
            (allowed if youth_ids & allowed_youth[role] else forbidden)[role].add(name)
        forbidden["anonymous"].add(name)
    allowed["mentor"].add(mentor_row.full_name)
    allowed["youth"].add(youth_row.full_name)
    allowed["guardian"].add(guardian_row.full_name)
    patterns = {
        role: [
            re.compile(r"(?<![\w-])" + re.escape(html.escape(n)) + r"(?![\w-])")
            for n in sorted(names - allowed[role])
            if len(n) > 6
        ]
        for role, names in forbidden.items()
    }
    return Actors(clients, mentor_row, coordinator_programme, family, patterns)


def fingerprint() -> tuple:
    """Counts and change marks of every Koppel table except the access log (reads are logged)."""
    from django.apps import apps
    from django.db.models import Count, Max, Sum

    marks = []
    for model in apps.get_models():
        if not model.__module__.startswith("koppel") or model._meta.label == "common.AccessLog":
            continue
        names = {f.name for f in model._meta.concrete_fields}
        aggregates = {"n": Count("pk")}
        if "updated_at" in names:
            aggregates["u"] = Max("updated_at")
        if "version" in names:
            aggregates["v"] = Sum("version")
        marks.append(
            (model._meta.label, tuple(sorted(model._default_manager.aggregate(**aggregates).items())))
        )
    return tuple(marks)


def is_public(name: str) -> bool:
    return name.split(":")[0] in PUBLIC_NAMESPACES or name in PUBLIC_NAMES


def outsider(role: str, target: Target, actors: Actors) -> str:
    """Why `role` must not get this page at all ('' when it may)."""
    if role == "anonymous":
        return "" if is_public(target.name) else "anonymous on a page that needs a login"
    if is_public(target.name) or target.name.startswith(("account_", "mfa_")) or target.name == "home":
        return ""
    if target.name.startswith("admin:"):
        if role == "admin" or target.name in ("admin:logout", "admin:login"):
            return ""
        return "not an administrator in the Django admin"
    if target.name.startswith("staff:"):
        if role in ("mentor", "youth", "guardian"):
            return "portal user on a staff page"
        coordinates = actors.programme_of_coordinator.get(role)
        if coordinates is not None and target.programmes and coordinates not in target.programmes:
            return "coordinator on another programme's object"
        return ""
    if target.name.startswith("portal:") and role in actors.family and (target.matches or target.youth):
        matches, youth = actors.family[role]
        if not (target.matches & matches or target.youth & youth):
            return "portal user on another family's object"
    return ""


def refused(response) -> bool:
    if response.status_code in (403, 404, 405, 410, 400, 429):
        return True
    if response.status_code in (301, 302):
        location = response.headers.get("Location", "")
        return "/accounts/" in location or location.startswith("/admin/login")
    return False


def walk(actors: Actors, targets: list[Target], report: Report) -> dict[str, list[Target]]:
    seen_200: dict[str, list[Target]] = defaultdict(list)
    for target in targets:
        for role in ROLES:
            client = actors.clients[role]
            response = client.get(target.url)
            report.gets += 1
            report.statuses[response.status_code] += 1
            if response.status_code >= 500:
                report.find("server error on GET", role, target.url, str(response.status_code))
                continue
            why = outsider(role, target, actors)
            if why and not refused(response):
                report.find("IDOR on GET", role, target.url, f"{why}: {response.status_code}")
            if response.status_code == 200:
                seen_200[role].append(target)
                leak = name_leak(response, actors.forbidden_names.get(role, []))
                if leak:
                    report.find("name of a stranger shown", role, target.url, leak)
            if why or refused(response) or response.status_code == 405:
                if response.status_code == 405 and not why:
                    continue
                if role == "anonymous" and is_public(target.name):
                    continue
                # Taken just before the POST: some pages create a row on their first GET (defaults).
                state = fingerprint()
                posted = client.post(target.url, {"confirm": "1", "note": "x", "reason": "x"})
                report.posts += 1
                if posted.status_code >= 500:
                    report.find("server error on POST", role, target.url, str(posted.status_code))
                after = fingerprint()
                if after != state:
                    report.find(
                        "refused user changed data with a POST", role, target.url, str(posted.status_code)
                    )
    return seen_200


def name_leak(response, patterns: list[re.Pattern]) -> str:
    if "text/html" not in response.headers.get("Content-Type", "") or not patterns:
        return ""
    text = response.content.decode("utf-8", "replace")
    for pattern in patterns:
        found = pattern.search(text)
        if found:
            return found.group(0)
    return ""


def plant_markup() -> int:
    """Append `<kx-probe n>` to every free-text field of every row; returns how many fields."""
    from django.apps import apps
    from django.db import DatabaseError, models, transaction
    from django.db.models import F, Value
    from django.db.models.functions import Concat, Substr

    from koppel.people.domain.disqualification import disqualified_q
    from koppel.people.models import Mentor

    planted = 0
    for model in apps.get_models():
        if not model.__module__.startswith("koppel") or model._meta.label in (
            "common.ActivityLog",
            "common.AccessLog",
        ):
            continue
        for f in model._meta.concrete_fields:
            if (
                not isinstance(f, (models.CharField, models.TextField))
                or f.choices
                or f.unique
                or f.primary_key
            ):
                continue
            if f.name in SKIP_TEXT_FIELDS or f.name.endswith(("_token", "_key", "_code", "email")):
                continue
            marker = f"\"'><{PROBE_TAG} {planted}>"
            if f.max_length and f.max_length < len(marker) + 4:
                continue
            value = (
                Concat(Substr(F(f.name), 1, f.max_length - len(marker)), Value(marker))
                if f.max_length
                else Concat(F(f.name), Value(marker))
            )
            rows = model._default_manager.all()
            if model is Mentor:
                rows = rows.exclude(disqualified_q())
            try:
                with transaction.atomic():
                    rows.update(**{f.name: value})
                planted += 1
            except DatabaseError as e:
                print(f"  could not plant in {model._meta.label}.{f.name}: {type(e).__name__}")
    return planted


def xss_walk(actors: Actors, seen_200: dict[str, list[Target]], report: Report) -> int:
    pattern = re.compile(rf"<{PROBE_TAG}[ >]")
    pages = 0
    for role, targets in seen_200.items():
        for target in targets:
            response = actors.clients[role].get(target.url)
            report.gets += 1
            pages += 1
            if response.status_code >= 500:
                report.find("server error on GET with planted markup", role, target.url, "")
            if "text/html" in response.headers.get("Content-Type", ""):
                found = pattern.search(response.content.decode("utf-8", "replace"))
                if found:
                    report.find("unescaped markup", role, target.url, found.group(0))
    return pages


def check_headers(actors: Actors, report: Report) -> None:
    response = actors.clients["anonymous"].get("/accounts/login/")
    for header in (
        "Content-Security-Policy",
        "X-Frame-Options",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Permissions-Policy",
    ):
        if header not in response.headers:
            report.find("missing header", "anonymous", "/accounts/login/", header)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT / "src"))
    folder = Path(tempfile.mkdtemp(prefix="koppel-walk-"))
    prepare_environment(args.database, folder)
    import logging

    import django

    django.setup()
    # Thousands of refused requests: Django's "Not Found" and "Forbidden" lines would bury the report.
    logging.disable(logging.CRITICAL)
    from django.core.management import call_command

    from koppel.demo.load import load_demo

    started = time.monotonic()
    call_command("migrate", interactive=False, verbosity=0)
    load_demo()
    actors = prepare_actors()
    targets, patterns = build_targets(actors)
    report = Report(patterns=patterns)
    print(f"Database {args.database}: {patterns} URL patterns, {len(targets)} URLs, {len(ROLES)} users.")
    seen_200 = walk(actors, targets, report)
    check_headers(actors, report)
    planted = plant_markup()
    pages = xss_walk(actors, seen_200, report)
    elapsed = time.monotonic() - started
    print(
        f"GET {report.gets}, POST {report.posts} (refused users), {planted} text fields marked, "
        f"{pages} pages read back for markup, in {elapsed:.0f} s."
    )
    print("Answers: " + ", ".join(f"{code}: {n}" for code, n in sorted(report.statuses.items())))
    kinds = Counter(kind for kind, *_ in report.findings)
    print(
        f"Findings: {len(report.findings)}" + "".join(f"\n  {kind}: {n}" for kind, n in sorted(kinds.items()))
    )
    shown = report.findings if args.verbose else report.findings[:40]
    for kind, role, url, detail in shown:
        print(f"  [{kind}] {role} {url} {detail}")
    return 1 if report.findings else 0


if __name__ == "__main__":
    sys.exit(main())
