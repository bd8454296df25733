"""The archive of a subject access request: everything Koppel holds about one person.

`build_access_archive(request)` returns a ZIP with
- `summary.html`: a readable, self-contained page in the subject's preferred language;
- `data.json`: the same data, machine-readable (art. 20, portability);
- one CSV per section.

Each section says, from the data map (`entry_for`), why Koppel holds the data, who receives it,
where it comes from and which retention rule ends it.

What the archive leaves out, and why:
- other people's contact details: a referee's name, e-mail address and phone, and the guardians'
  e-mail address, phone and postcode in a youth's archive (unless the guardian asked for it);
- a match partner is named by first name only;
- names of other people inside free text (concerns, notes, remarks): replaced by "[name removed]"
  (`redact_third_parties`) for every youth, mentor and guardian of the subject's organisation, its
  staff and the referees; the subject's own name stays;
- who raised a concern about the subject, unless it was the subject (protects the reporter);
- answers to sensitive survey questions (and sensitive subscales) when a parent asks for a child's
  data: a youth's answers to those stay confidential from their parents, as in the portal;
- secrets of the account (password hash, MFA secrets, recovery codes) and the reason a staff member
  gave for opening the file.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import partial
from typing import Any

from allauth.mfa.models import Authenticator
from django.db import models
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from koppel.accounts.models import User
from koppel.common.domain.audit import access_log_of, history_of
from koppel.common.models import AccessLog, ActivityLog, OutgoingMail
from koppel.matches.models import (
    Agreement,
    ClosureConversation,
    Concern,
    Consent,
    Match,
    MeetingLog,
    SupportContact,
)
from koppel.people.models import (
    ConductCertificate,
    Guardian,
    Guardianship,
    Interview,
    Mentor,
    PipelineEvent,
    Reference,
    SelfDisclosure,
    Youth,
)
from koppel.people.models.intake import Intake
from koppel.privacy.domain.datamap import ModelEntry, entry_for
from koppel.privacy.domain.subjects import Subject, kind_of, matches_of
from koppel.privacy.models import AccessRequest
from koppel.programmes.models import Administrator, Coordinator
from koppel.surveys.models import Answer, Assignment, Score
from koppel.training.domain.ledger import ledger_of
from koppel.training.models import ExternalHours, Registration

# Parts of a name this short ("de", "Li") are not looked for on their own: they are words too.
MIN_NAME_LENGTH = 3


# --- Redaction -----------------------------------------------------------------------------------


def name_tokens(first_name: str, last_name: str = "") -> set[str]:
    """The ways a person is written in free text: the full name, the first and the last name."""
    tokens = {f"{first_name} {last_name}".strip(), first_name.strip(), last_name.strip()}
    # A last name with a prefix ("de Vries") is also written without it ("Vries" is too rare to
    # matter; "De Vries" is found case-insensitively).
    return {t for t in tokens if len(t) >= MIN_NAME_LENGTH}


def redact_third_parties(text: str, names: Iterable[str], *, replacement: str | None = None) -> str:
    """`text` with every name of `names` replaced by "[name removed]" (in the active language):
    whole words only, case-insensitive, the longest name first so a full name goes as one."""
    if not text:
        return text
    wanted = sorted(
        {n.strip() for n in names if n and len(n.strip()) >= MIN_NAME_LENGTH}, key=len, reverse=True
    )
    if not wanted:
        return text
    replacement = replacement if replacement is not None else _("[name removed]")
    pattern = re.compile(
        r"(?<!\w)(?:" + "|".join(r"\s+".join(map(re.escape, n.split())) for n in wanted) + r")(?!\w)",
        re.IGNORECASE,
    )
    return pattern.sub(replacement, text)


# --- Sections ------------------------------------------------------------------------------------


@dataclass
class Section:
    key: str
    title: str
    columns: list[tuple[str, str]]
    rows: list[dict[str, Any]]
    model: type[models.Model] | None = None
    note: str = ""
    entry: ModelEntry | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.entry = entry_for(self.model) if self.model is not None else None

    def about(self) -> dict[str, str]:
        """Purpose, recipients, source and retention from the data map ("" when not mapped)."""
        if self.entry is None:
            return {"purpose": "", "recipients": "", "source": "", "retention": ""}
        return {
            "purpose": str(self.entry.purpose),
            "recipients": str(self.entry.recipients),
            "source": str(self.entry.source),
            "retention": str(self.entry.retention.label),
        }

    def table(self) -> list[list[Any]]:
        return [[_shown(row.get(key)) for key, _label in self.columns] for row in self.rows]


def _plain(value: Any) -> Any:
    """A value as JSON holds it."""
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    return value


def _shown(value: Any) -> str:
    """A value as a cell of the summary or a CSV shows it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return "; ".join(_shown(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _label(model: type[models.Model], name: str) -> str:
    return str(getattr(model._meta.get_field(name), "verbose_name", name))


def _value(obj: models.Model, name: str) -> Any:
    f = obj._meta.get_field(name)
    if getattr(f, "choices", None):
        display = getattr(obj, f"get_{name}_display", None)
        if display is not None and getattr(obj, name) not in ("", None):
            return str(display())
    value = getattr(obj, name)
    return _plain(value)


# A column computed from a row: key, label, value.
Extra = tuple[str, str | Promise, Callable[[Any], Any]]


@dataclass(frozen=True)
class Fields:
    """A section of chosen fields of the subject's rows of one model (`_Builder.fields_section`):
    `rows` reads them for a builder, the names in `free_text` lose other people's names, and `extra`
    adds computed columns. Titles, labels and the note are read in the archive's language."""

    key: str
    title: str | Promise
    model: type[models.Model]
    names: tuple[str, ...]
    rows: Callable[[_Builder], Iterable[Any]]
    free_text: tuple[str, ...] = ()
    extra: tuple[Extra, ...] = ()
    note: str | Promise = ""


class _Builder:
    """Reads the data of one request's subject: a section of chosen fields is a `Fields` entry (below)
    built by `fields_section`, any other section a method here; `plan` lists them in order."""

    def __init__(self, access: AccessRequest):
        self.access = access
        self.subject: Subject = access.subject
        self.user = self.subject.user
        self.names = self._third_party_names()

    # --- helpers ---

    def redact(self, text: str) -> str:
        return redact_third_parties(text, self.names)

    def fields_section(self, spec: Fields, *, extra: Iterable[Extra] = ()) -> Section:
        """The section `spec` describes, from the subject's rows; `extra` adds columns that depend on
        who the subject is."""
        extra = [*spec.extra, *extra]
        model = spec.model
        columns = [(n, _label(model, n)) for n in spec.names] + [(k, str(label)) for k, label, _fn in extra]
        rows = []
        for obj in spec.rows(self):
            row = {n: _value(obj, n) for n in spec.names}
            for n in spec.free_text:
                row[n] = self.redact(row[n] or "")
            for k, _l, fn in extra:
                row[k] = _plain(fn(obj))
            rows.append(row)
        return Section(spec.key, str(spec.title), columns, rows, model=model, note=str(spec.note))

    def _third_party_names(self) -> set[str]:
        """The names to remove from free text: everyone of the subject's organisation (youth, mentors,
        guardians), its staff and the referees, except the subject."""
        org = self.access.organisation_id
        names: set[str] = set()
        for model in (Youth, Mentor):
            for first, last in model.objects.filter(programme__organisation_id=org).values_list(
                "first_name", "last_name"
            ):
                names |= name_tokens(first, last)
        for first, last in Guardian.objects.filter(organisation_id=org).values_list(
            "first_name", "last_name"
        ):
            names |= name_tokens(first, last)

        staff = User.objects.filter(
            Q(pk__in=Administrator.objects.filter(organisation_id=org).values("user_id"))
            | Q(pk__in=Coordinator.objects.filter(programme__organisation_id=org).values("user_id"))
        )
        for (name,) in staff.values_list("name"):
            parts = name.split()
            names |= name_tokens(parts[0] if parts else "", " ".join(parts[1:]))
            names |= name_tokens(name)
        if isinstance(self.subject, Mentor):
            for (name,) in Reference.objects.filter(mentor_id=self.subject.pk).values_list("name"):
                parts = name.split()
                names |= name_tokens(parts[0] if parts else "", " ".join(parts[1:]))
                names |= name_tokens(name)
        own = {t.casefold() for t in name_tokens(self.subject.first_name, self.subject.last_name)}
        return {n for n in names if n.casefold() not in own}

    def _staff_user_ids(self) -> set[int]:
        org = self.access.organisation_id
        admins = set(Administrator.objects.filter(organisation_id=org).values_list("user_id", flat=True))
        coordinators = set(
            Coordinator.objects.filter(programme__organisation_id=org).values_list("user_id", flat=True)
        )
        return admins | coordinators

    # --- sections ---

    def profile(self) -> Section:
        s = self.subject
        model = type(s)
        if isinstance(s, Guardian):
            names = [
                "first_name",
                "last_name",
                "email",
                "phone",
                "preferred_language",
                "languages",
                "postcode",
            ]
            return self.fields_section(
                Fields(
                    "profile",
                    _("Profile"),
                    model,
                    tuple(names),
                    rows=lambda b: [b.subject],
                    extra=(("organisation", _("organisation"), lambda o: o.organisation.name),),
                )
            )
        common = [
            "first_name",
            "last_name",
            "date_of_birth",
            "gender",
            "email",
            "phone",
            "preferred_language",
            "languages",
            "cultural_background",
            "postcode",
            "neighbourhood",
            "school_type",
            "school_year",
            "interests_other",
            "personality",
            "values_beliefs",
            "availability",
            "status",
        ]
        if isinstance(s, Mentor):
            own = [
                "motives",
                "occupation",
                "adult_supervisor",
                "travel_neighbourhoods",
                "channel",
                "route",
                "motivation",
                "applied_at",
                "capacity",
            ]
        else:
            own = [
                "goals",
                "goal_areas",
                "wishes",
                "wish_mentor_gender",
                "wish_language",
                "cultural_match",
                "waiting_since",
                "referral",
                "referrer_organisation",
            ]
        extra: tuple[Extra, ...] = (
            ("programme", _("programme"), lambda o: o.programme.name),
            ("coordinator", _("coordinator"), lambda o: o.coordinator.name if o.coordinator else ""),
            ("interests", _("interests"), lambda o: [str(i) for i in o.interests.all()]),
        )
        return self.fields_section(
            Fields("profile", _("Profile"), model, (*common, *own), rows=lambda b: [b.subject], extra=extra)
        )

    def interviews(self) -> Section:
        section = self.fields_section(INTERVIEWS)
        for row in section.rows:
            row["qualities"] = {
                k: ({**v, "remark": self.redact(v.get("remark", ""))} if isinstance(v, dict) else v)
                for k, v in (row["qualities"] or {}).items()
            }
        return section

    def references(self) -> Section:
        section = self.fields_section(REFERENCES)
        for n, row in enumerate(section.rows, start=1):
            row["reference"] = n
        section.columns.insert(0, ("reference", _("Reference")))
        return section

    def ledger(self) -> Section:
        if not isinstance(self.subject, Mentor):
            raise TypeError("only a mentor has a training-hours ledger")
        rows = [
            {
                "day": e.day.isoformat(),
                "hours": str(e.hours),
                "label": self.redact(e.label),
                "pre_match": e.pre_match,
            }
            for e in ledger_of(self.subject)
        ]
        columns = [
            ("day", _("date")),
            ("hours", _("hours")),
            ("label", _("description")),
            ("pre_match", _("before the first match")),
        ]
        return Section("hours_ledger", _("Training hours ledger"), columns, rows)

    def matches(self) -> Section:
        def partner(match: Match) -> str | list[str]:
            if isinstance(self.subject, Mentor):
                return match.youth.first_name
            return [m.first_name for m in match.mentors.all()]

        return self.fields_section(MATCHES, extra=[("partner", _("matched with (first name)"), partner)])

    def concerns(self) -> Section:
        q = Q(match__in=matches_of(self.subject)) if not isinstance(self.subject, Guardian) else Q(pk__in=[])
        if self.user is not None:
            q |= Q(raised_by=self.user)
        rows = Concern.objects.filter(q).distinct().order_by("created_at", "id")
        columns = [
            ("created_at", _("raised on")),
            ("raised_by_you", _("raised by you")),
            ("raised_as", _("raised as")),
            ("text", _("what is the concern")),
            ("status", _("status")),
            ("outcome", _("outcome")),
            ("closed_at", _("closed at")),
        ]
        data = []
        for concern in rows:
            own = self.user is not None and concern.raised_by_id == self.user.pk
            data.append(
                {
                    "created_at": _plain(concern.created_at),
                    "raised_by_you": own,
                    # Who told the programme about a concern stays with the programme.
                    "raised_as": concern.get_raised_as_display() if own else "",
                    "text": self.redact(concern.text),
                    "status": concern.get_status_display(),
                    "outcome": self.redact(concern.outcome),
                    "closed_at": _plain(concern.closed_at),
                }
            )
        return Section(
            "concerns",
            _("Concerns"),
            columns,
            data,
            model=Concern,
            note=_(
                "Names of other people are removed from these texts, and who raised a concern is only "
                "shown when it was you."
            ),
        )

    def _assignments(self) -> QuerySet[Assignment]:
        if isinstance(self.subject, Youth):
            return Assignment.objects.filter(respondent="youth", youth=self.subject)
        return Assignment.objects.filter(**{kind_of(self.subject): self.subject})

    @property
    def _withhold_sensitive(self) -> bool:
        # A youth's answers to sensitive questions stay confidential from their parents.
        return self.access.on_behalf_id is not None

    def answers(self) -> Section:
        answers = Answer.objects.filter(assignment__in=self._assignments()).select_related(
            "assignment__instrument", "item__subscale"
        )
        if self._withhold_sensitive:
            answers = answers.exclude(Q(item__sensitive=True) | Q(item__subscale__sensitive=True))
        language = self.access.language
        rows = [
            {
                "questionnaire": a.assignment.instrument.name,
                "moment": a.assignment.get_moment_display(),
                "question": a.item.text_for(language, young=a.assignment.young),
                "answer": a.value,
                "answered_at": _plain(a.answered_at),
            }
            for a in answers.order_by("assignment_id", "item__position", "item_id")
        ]
        columns = [
            ("questionnaire", _("questionnaire")),
            ("moment", _("moment")),
            ("question", _("question")),
            ("answer", _("answer")),
            ("answered_at", _("answered at")),
        ]
        note = (
            _("Answers to sensitive questions are not given to a parent or guardian.")
            if self._withhold_sensitive
            else ""
        )
        return Section("answers", _("Answers"), columns, rows, model=Answer, note=note)

    def guardians(self) -> Section:
        links = Guardianship.objects.filter(youth_id=self.subject.pk).select_related("guardian")
        requester = self.access.requested_by_id
        columns = [
            ("name", _("name")),
            ("relation", _("relation")),
            ("has_parental_authority", _("has parental authority")),
            ("email", _("e-mail address")),
            ("phone", _("phone number")),
        ]
        rows = []
        for link in links:
            g = link.guardian
            asker = g.pk == self.access.on_behalf_id or (g.user_id is not None and g.user_id == requester)
            rows.append(
                {
                    "name": g.full_name,
                    "relation": link.get_relation_display(),
                    "has_parental_authority": link.has_parental_authority,
                    # Contact details are the guardian's own: only to the guardian who asked.
                    "email": g.email if asker else "",
                    "phone": g.phone if asker else "",
                }
            )
        return Section("guardians", _("Parents and guardians"), columns, rows, model=Guardianship)

    def children(self) -> Section:
        links = Guardianship.objects.filter(guardian_id=self.subject.pk).select_related("youth__programme")
        columns = [
            ("name", _("name")),
            ("relation", _("relation")),
            ("has_parental_authority", _("has parental authority")),
            ("programme", _("programme")),
        ]
        rows = [
            {
                "name": link.youth.full_name,
                "relation": link.get_relation_display(),
                "has_parental_authority": link.has_parental_authority,
                "programme": link.youth.programme.name,
            }
            for link in links
        ]
        return Section("children", _("Children"), columns, rows, model=Guardianship)

    def account(self) -> Section:

        columns = [
            ("email", _("e-mail address")),
            ("name", _("name")),
            ("language", _("preferred language")),
            ("date_joined", _("date joined")),
            ("last_login", _("last login")),
            ("is_active", _("active")),
            ("mfa", _("two-step login enabled")),
        ]
        rows = []
        if self.user is not None:
            u = self.user
            rows.append(
                {
                    "email": u.email,
                    "name": u.name,
                    "language": u.language,
                    "date_joined": _plain(u.date_joined),
                    "last_login": _plain(u.last_login),
                    "is_active": u.is_active,
                    "mfa": Authenticator.objects.filter(
                        user=u, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
                    ).exists(),
                }
            )
        return Section("account", _("Login account"), columns, rows, model=User)

    def mails(self) -> Section:
        addresses = {a.lower() for a in (self.subject.email, self.user.email if self.user else "") if a}
        q = Q(pk__in=[])
        for address in addresses:
            q |= Q(to__iexact=address)
        mails = OutgoingMail.objects.filter(q).order_by("created_at", "id")
        columns = [("subject", _("subject")), ("created_at", _("created at")), ("sent_at", _("sent at"))]
        rows = [
            {"subject": m.subject, "created_at": _plain(m.created_at), "sent_at": _plain(m.sent_at)}
            for m in mails
        ]
        return Section(
            "mails",
            _("Mails sent to you"),
            columns,
            rows,
            model=OutgoingMail,
            note=_("Sent mail is removed from Koppel after a week; failed mail after a month."),
        )

    def _role(self, user_id: int | None, staff: set[int], admins: set[int]) -> str:
        if user_id is None:
            return _("unknown")
        if user_id in admins:
            return _("Administrator")
        if user_id in staff:
            return _("Coordinator")
        if self.user is not None and user_id == self.user.pk:
            return _("You")
        return _("Someone else (not staff)")

    def access_log(self) -> Section:
        staff = self._staff_user_ids()
        admins = set(
            Administrator.objects.filter(organisation_id=self.access.organisation_id).values_list(
                "user_id", flat=True
            )
        )
        columns = [("timestamp", _("when")), ("role", _("role")), ("name", _("name")), ("page", _("page"))]
        rows = [
            {
                "timestamp": _plain(entry.timestamp),
                "role": self._role(entry.viewer_id, staff, admins),
                "name": entry.who if entry.viewer_id in staff or entry.viewer_id is None else "",
                "page": entry.page,
            }
            for entry in access_log_of(self.subject).order_by("timestamp", "id")
        ]

        return Section(
            "access_log",
            _("Who looked at your file"),
            columns,
            rows,
            model=AccessLog,
            note=_("Staff are named; other people only by their role."),
        )

    def activity_log(self) -> Section:
        staff = self._staff_user_ids()
        admins = set(
            Administrator.objects.filter(organisation_id=self.access.organisation_id).values_list(
                "user_id", flat=True
            )
        )
        columns = [
            ("timestamp", _("when")),
            ("action", _("action")),
            ("fields", _("fields")),
            ("role", _("role")),
            ("name", _("name")),
        ]
        rows = [
            {
                "timestamp": _plain(entry.timestamp),
                "action": entry.action,
                "fields": list(entry.fields or []),
                "role": self._role(entry.actor_id, staff, admins)
                if entry.actor_id or entry.actor_label
                else _("Koppel"),
                "name": entry.who if entry.actor_id in staff else "",
            }
            for entry in history_of(self.subject).order_by("timestamp", "id")
        ]

        return Section("activity_log", _("Changes to your file"), columns, rows, model=ActivityLog)

    def _section_of(self, spec: Fields) -> Callable[[], Section]:
        return partial(self.fields_section, spec)

    def plan(self) -> list[Callable[[], Section]]:
        """The sections of this subject's archive, in the order the summary shows them."""
        of = self._section_of
        end = [self.account, self.mails, self.access_log, self.activity_log]
        if isinstance(self.subject, Mentor):
            return [
                self.profile,
                of(PIPELINE),
                self.interviews,
                self.references,
                of(CERTIFICATES),
                of(DISCLOSURES),
                of(REGISTRATIONS),
                of(EXTERNAL_HOURS),
                self.ledger,
                self.matches,
                of(AGREEMENTS),
                of(CONSENTS),
                of(MEETINGS),
                of(SUPPORT_CONTACTS),
                self.concerns,
                of(CLOSURE_CONVERSATIONS),
                of(SURVEYS),
                self.answers,
                of(SCORES),
                *end,
            ]
        if isinstance(self.subject, Youth):
            return [
                self.profile,
                of(INTAKE),
                self.guardians,
                of(REGISTRATIONS),
                self.matches,
                of(AGREEMENTS),
                of(CONSENTS),
                of(MEETINGS),
                of(SUPPORT_CONTACTS),
                self.concerns,
                of(CLOSURE_CONVERSATIONS),
                of(SURVEYS),
                self.answers,
                of(SCORES),
                *end,
            ]
        return [
            self.profile,
            self.children,
            of(REGISTRATIONS),
            of(CONSENTS),
            of(SUPPORT_CONTACTS),
            self.concerns,
            of(CLOSURE_CONVERSATIONS),
            of(SURVEYS),
            self.answers,
            of(SCORES),
            *end,
        ]


# --- The sections of chosen fields ---------------------------------------------------------------


def _meeting_rows(b: _Builder) -> QuerySet[MeetingLog]:
    rows = MeetingLog.objects.filter(match__in=matches_of(b.subject))
    if isinstance(b.subject, Mentor):
        rows = rows.filter(mentor_id=b.subject.pk)
    return rows


def _support_contact_rows(b: _Builder) -> QuerySet[SupportContact]:
    if isinstance(b.subject, Mentor):
        return SupportContact.objects.filter(mentor_id=b.subject.pk, with_whom="mentor")
    if isinstance(b.subject, Youth):
        return SupportContact.objects.filter(match__youth_id=b.subject.pk, with_whom="youth")
    return SupportContact.objects.filter(guardian_id=b.subject.pk)


def _closure_conversation_rows(b: _Builder) -> QuerySet[ClosureConversation]:
    if isinstance(b.subject, Guardian):
        return ClosureConversation.objects.filter(guardian_id=b.subject.pk)
    if isinstance(b.subject, Mentor):
        return ClosureConversation.objects.filter(mentor_id=b.subject.pk)
    return ClosureConversation.objects.filter(closure__match__youth_id=b.subject.pk, party="youth")


def _score_rows(b: _Builder) -> QuerySet[Score]:
    if isinstance(b.subject, Youth):
        scores = Score.objects.filter(youth_id=b.subject.pk)
    else:
        scores = Score.objects.filter(assignment__in=b._assignments())
    if b._withhold_sensitive:
        scores = scores.exclude(subscale__sensitive=True)
    return scores.select_related("subscale").order_by("submitted_on", "id")


INTAKE = Fields(
    "intake",
    gettext_lazy("Intake"),
    Intake,
    (
        "held_on",
        "informed_benefits_challenges",
        "informed_volunteer",
        "motivation",
        "committed",
        "wish_kind_of_person",
        "wish_age_min",
        "wish_age_max",
        "wish_location",
        "guardian_consent",
        "consent_on",
    ),
    rows=lambda b: Intake.objects.filter(youth_id=b.subject.pk),
    free_text=("motivation", "wish_kind_of_person"),
)
PIPELINE = Fields(
    "pipeline",
    gettext_lazy("Steps of your application"),
    PipelineEvent,
    ("at", "from_status", "to_status", "reason"),
    rows=lambda b: PipelineEvent.objects.filter(mentor_id=b.subject.pk).order_by("at", "id"),
    free_text=("reason",),
)
INTERVIEWS = Fields(
    "interviews",
    gettext_lazy("Interviews"),
    Interview,
    (
        "held_on",
        "kind",
        "responsibilities_explained",
        "motivation",
        "attitude_ideas",
        "qualities",
        "recommendation",
    ),
    rows=lambda b: Interview.objects.filter(mentor_id=b.subject.pk).select_related("interviewer"),
    free_text=("motivation", "attitude_ideas"),
    extra=(
        ("interviewer", gettext_lazy("interviewer"), lambda o: o.interviewer.name if o.interviewer else ""),
    ),
)
REFERENCES = Fields(
    "references",
    gettext_lazy("References"),
    Reference,
    ("relation", "contacted_on", "outcome", "notes"),
    rows=lambda b: Reference.objects.filter(mentor_id=b.subject.pk).order_by("id"),
    free_text=("notes",),
    note=gettext_lazy("A referee's name and contact details are theirs, not yours: they are left out."),
)
CERTIFICATES = Fields(
    "certificates",
    gettext_lazy("Certificate of conduct (VOG)"),
    ConductCertificate,
    ("requested_on", "outcome", "issued_on", "valid_until", "original_seen_on"),
    rows=lambda b: ConductCertificate.objects.filter(mentor_id=b.subject.pk),
    extra=(("screening_profile", gettext_lazy("screening profile"), lambda o: o.screening_profile_label),),
)
DISCLOSURES = Fields(
    "disclosures",
    gettext_lazy("Self-disclosures"),
    SelfDisclosure,
    (
        "submitted_on",
        "child_sexual_offence",
        "child_offence",
        "other_conviction",
        "other_details",
        "decision",
        "reviewed_on",
        "review_notes",
    ),
    rows=lambda b: SelfDisclosure.objects.filter(mentor_id=b.subject.pk),
    free_text=("other_details", "review_notes"),
)
REGISTRATIONS = Fields(
    "training_registrations",
    gettext_lazy("Training sessions"),
    Registration,
    ("registered_at", "attended", "hours_credited"),
    rows=lambda b: Registration.objects.filter(**{kind_of(b.subject): b.subject}).select_related("session"),
    extra=(
        ("session", gettext_lazy("session"), lambda o: o.session.title),
        ("starts_at", gettext_lazy("starts at"), lambda o: o.session.starts_at),
    ),
)
EXTERNAL_HOURS = Fields(
    "external_hours",
    gettext_lazy("Training hours recorded elsewhere"),
    ExternalHours,
    ("date", "hours", "kind", "description"),
    rows=lambda b: ExternalHours.objects.filter(mentor_id=b.subject.pk).order_by("date", "id"),
    free_text=("description",),
)
# With the partner's first name, which depends on who asks (`_Builder.matches`).
MATCHES = Fields(
    "matches",
    pgettext_lazy("noun", "Matches"),
    Match,
    ("state", "introduced_on", "started_on", "ended_on", "paused_since", "pause_reason"),
    rows=lambda b: matches_of(b.subject).select_related("programme", "youth").prefetch_related("mentors"),
    free_text=("pause_reason",),
    extra=(("programme", gettext_lazy("programme"), lambda o: o.programme.name),),
)
AGREEMENTS = Fields(
    "agreements",
    gettext_lazy("Agreements"),
    Agreement,
    (
        "number",
        "start_date",
        "duration_months",
        "meeting_interval_days",
        "place",
        "approach",
        "goals",
        "holiday_expectations",
        "contact_after",
    ),
    rows=lambda b: Agreement.objects.filter(match__in=matches_of(b.subject)).order_by("match_id", "number"),
    free_text=("goals", "holiday_expectations"),
)
CONSENTS = Fields(
    "consents",
    gettext_lazy("Consents"),
    Consent,
    ("party", "given_at", "typed_name", "via"),
    rows=lambda b: Consent.objects.filter(**{kind_of(b.subject): b.subject}).select_related("agreement"),
    extra=(("agreement", gettext_lazy("agreement version"), lambda o: o.agreement.number),),
)
MEETINGS = Fields(
    "meetings",
    gettext_lazy("Meetings"),
    MeetingLog,
    ("held_on", "duration_minutes", "place", "activity", "note", "how_it_went", "confirmed_by_youth_at"),
    rows=_meeting_rows,
    free_text=("note",),
)
SUPPORT_CONTACTS = Fields(
    "support_contacts",
    gettext_lazy("Contacts with your coordinator"),
    SupportContact,
    ("held_on", "channel", "topics", "notes", "follow_up", "follow_up_on"),
    rows=_support_contact_rows,
    free_text=("notes", "follow_up"),
)
CLOSURE_CONVERSATIONS = Fields(
    "closure_conversations",
    gettext_lazy("Closing conversations"),
    ClosureConversation,
    ("held_on", "notes", "went_well", "could_be_better", "rating", "would_recommend"),
    rows=_closure_conversation_rows,
    free_text=("notes", "went_well", "could_be_better"),
)
SURVEYS = Fields(
    "surveys",
    gettext_lazy("Questionnaires"),
    Assignment,
    ("moment", "due_on", "closes_on", "status", "started_at", "submitted_at"),
    rows=lambda b: b._assignments().select_related("instrument"),
    extra=(("instrument", gettext_lazy("questionnaire"), lambda o: o.instrument.name),),
)
SCORES = Fields(
    "scores",
    gettext_lazy("Scores"),
    Score,
    ("respondent", "moment", "domain", "value", "submitted_on"),
    rows=_score_rows,
    extra=(("subscale", gettext_lazy("subscale"), lambda o: o.subscale.name),),
)


def collect_sections(
    access: AccessRequest, *, progress: Callable[[float], None] | None = None
) -> list[Section]:
    """Every section of the request's archive, read in the archive's language."""
    with translation.override(access.language):
        builder = _Builder(access)
        plan = builder.plan()
        sections = []
        for n, build in enumerate(plan):
            sections.append(build())
            if progress is not None:
                progress(5 + 85 * (n + 1) / len(plan))
        return sections


def _csv(section: Section) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([capfirst(label) for _key, label in section.columns])
    writer.writerows(section.table())
    return out.getvalue().encode("utf-8-sig")


def build_access_archive(access: AccessRequest, *, progress: Callable[[float], None] | None = None) -> bytes:
    """The ZIP of a request: summary.html, data.json and one CSV per section (see the module)."""
    sections = collect_sections(access, progress=progress)
    subject = access.subject
    now = timezone.now()
    with translation.override(access.language):
        about = [(section, section.about()) for section in sections]
        data = {
            "generated_at": _plain(now),
            "language": access.language,
            "subject": {"kind": type(subject)._meta.model_name, "name": subject.full_name},
            "sections": [
                {
                    "key": section.key,
                    "title": section.title,
                    **info,
                    "note": section.note,
                    "columns": dict(section.columns),
                    "rows": section.rows,
                }
                for section, info in about
            ],
        }
        summary = render_to_string(
            "privacy/archive/summary.html",
            {
                "subject": subject,
                "generated_at": now,
                "sections": [(section, info, section.table()) for section, info in about],
                "language": access.language,
                "keep_days": AccessRequest.KEEP_DAYS,
            },
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("summary.html", summary)
        archive.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2, default=str))
        for section in sections:
            archive.writestr(f"{section.key}.csv", _csv(section))
    if progress is not None:
        progress(98)
    return buffer.getvalue()
