"""The register of processing (verwerkingsregister, GDPR art. 30) and the privacy statement's
overview, both read from the data map.

`register_of` turns `DATA_MAP` into processings (one per model: its purpose, whose data, where it
comes from, who receives it, its retention) each with its personal fields; `statement_groups` says
per group of people (mentors, youth, parents) what Koppel keeps of them. The register leaves Koppel
as a document (CSV or PDF, rendered by koppel.privacy.documents); `record_register_export` audits
each download."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db import transaction
from django.utils.translation import gettext as _

from koppel.accounts.models import User
from koppel.common.domain.audit import log_action
from koppel.common.domain.errors import DomainError
from koppel.privacy.domain.datamap import (
    DATA_MAP,
    SPECIAL_CATEGORY_INSTRUMENTS,
    ModelEntry,
    Subject,
)
from koppel.privacy.domain.retention import retention_texts
from koppel.privacy.enums import Category, LegalBasis, RetentionRule
from koppel.programmes.models import Organisation

# Categories whose fields the register and the statement point out: GDPR art. 9 and art. 10 data.
SENSITIVE_CATEGORIES = (Category.SPECIAL, Category.OFFENCE, Category.SAFEGUARDING)


def retention_label(rule: RetentionRule, organisation: Organisation) -> str:
    """What the register and the statement say about how long a rule keeps data: the period in the
    organisation's retention schedule and what starts its clock."""
    return retention_texts(organisation)[rule]


@dataclass(frozen=True)
class RegisterField:
    name: str
    label: str
    category: Category
    purpose: str
    basis: LegalBasis
    retention: str
    retention_rule: RetentionRule

    @property
    def sensitive(self) -> bool:
        return self.category in SENSITIVE_CATEGORIES


@dataclass(frozen=True)
class Processing:
    """One processing activity: a model of the data map with its personal fields."""

    key: str
    name: str
    purpose: str
    subjects: tuple[Subject, ...]
    recipients: str
    source: str
    retention: str
    retention_rule: RetentionRule
    fields: tuple[RegisterField, ...]

    @property
    def subject_labels(self) -> str:
        return ", ".join(str(s.label) for s in self.subjects)


def _verbose(label: str) -> tuple[str, Callable[[str], str]]:
    model = apps.get_model(label)

    def field_label(name: str) -> str:
        return str(model._meta.get_field(name).verbose_name)

    return str(model._meta.verbose_name_plural), field_label


def _processing(label: str, entry: ModelEntry, texts: dict[RetentionRule, str]) -> Processing:
    name, field_label = _verbose(label)
    fields = tuple(
        RegisterField(
            name=field_name,
            label=field_label(field_name),
            category=fe.category,
            purpose=str(fe.purpose),
            basis=fe.basis,
            retention=texts[fe.retention],
            retention_rule=fe.retention,
        )
        for field_name, fe in entry.fields.items()
    )
    return Processing(
        key=label,
        name=name[:1].upper() + name[1:],
        purpose=str(entry.purpose),
        subjects=entry.subjects,
        recipients=str(entry.recipients),
        source=str(entry.source),
        retention=texts[entry.retention],
        retention_rule=entry.retention,
        fields=fields,
    )


def register_of(organisation: Organisation) -> list[Processing]:
    """Every processing of the data map, in the current language, in the map's order."""
    texts = retention_texts(organisation)
    return [_processing(label, entry, texts) for label, entry in DATA_MAP.items()]


@dataclass(frozen=True)
class CategoryGroup:
    category: Category
    fields: list[tuple[Processing, RegisterField]]


def by_category(register: list[Processing]) -> list[CategoryGroup]:
    """The register's fields grouped by category (special and offence-related data first)."""
    order = [*SENSITIVE_CATEGORIES, *(c for c in Category if c not in SENSITIVE_CATEGORIES)]
    groups = []
    for category in order:
        fields = [(p, f) for p in register for f in p.fields if f.category == category]
        if fields:
            groups.append(CategoryGroup(category, fields))
    return groups


@dataclass(frozen=True)
class StatementPart:
    """One row of the privacy statement for a group: what (field names), why, basis, how long."""

    name: str
    what: str
    purpose: str
    bases: list[LegalBasis]
    retention: str
    recipients: str


@dataclass(frozen=True)
class StatementGroup:
    subject: Subject
    parts: list[StatementPart]
    sensitive: list[RegisterField]


# The groups the privacy statement speaks to (staff read the register).
STATEMENT_SUBJECTS = (Subject.MENTOR, Subject.YOUTH, Subject.GUARDIAN)
# Technical rows every group shares (logins, logs, mail): the statement names them once, below.
_SHARED = {
    "accounts.User",
    "account.EmailAddress",
    "mfa.Authenticator",
    "usersessions.UserSession",
    "admin.LogEntry",
    "common.ActivityLog",
    "common.AccessLog",
    "common.OutgoingMail",
    "common.Reminder",
    "common.FailedAttempt",
    "privacy.ErasureLedgerEntry",
}


def _part(processing: Processing, fields: list[RegisterField]) -> StatementPart:
    return StatementPart(
        name=processing.name,
        what=", ".join(dict.fromkeys(f.label for f in fields)),
        purpose=processing.purpose,
        bases=sorted({f.basis for f in fields}, key=list(LegalBasis).index),
        retention=processing.retention,
        recipients=processing.recipients,
    )


def statement_groups(organisation: Organisation) -> list[StatementGroup]:
    """Per group of people, what Koppel keeps of them: one part per processing, the fields named
    in the words of the forms, and the group's special-category and offence-related fields."""
    register = register_of(organisation)
    groups = []
    for subject in STATEMENT_SUBJECTS:
        parts, sensitive = [], []
        for processing in register:
            if subject not in processing.subjects or processing.key in _SHARED:
                continue
            # Who a row is about (a link to the person) is not news to the person: leave those out.
            shown = [f for f in processing.fields if not _is_link(processing.key, f.name)]
            if shown:
                parts.append(_part(processing, shown))
            sensitive += [f for f in shown if f.sensitive and _of_subject(processing.key, subject)]
        groups.append(StatementGroup(subject, parts, list({f.label: f for f in sensitive}.values())))
    return groups


def shared_parts(organisation: Organisation) -> list[StatementPart]:
    """The technical processings every group shares: the login, logs and mail."""
    return [_part(p, list(p.fields)) for p in register_of(organisation) if p.key in _SHARED and p.fields]


def _is_link(label: str, name: str) -> bool:
    field = apps.get_model(label)._meta.get_field(name)
    return bool(field.is_relation)


# The sensitive survey items are in the youth's own questionnaire only (SPECIAL_CATEGORY_INSTRUMENTS).
_SENSITIVE_ONLY_FOR = {"surveys.Answer": Subject.YOUTH}


def _of_subject(label: str, subject: Subject) -> bool:
    return _SENSITIVE_ONLY_FOR.get(label, subject) == subject


def special_instruments() -> dict[str, tuple[str, ...]]:
    """The questionnaires whose answers hold special-category or offence-related data."""
    return dict(SPECIAL_CATEGORY_INSTRUMENTS)


REGISTER_FORMATS = ("csv", "pdf")


def record_register_export(organisation: Organisation, *, by: User, format: str, language: str) -> None:
    """Audit a download of the register (for the DPIA) as `privacy.register.exported` on the
    organisation, with the format and language. Side effects: one activity-log row."""
    if format not in REGISTER_FORMATS:
        raise DomainError(_("The register can be downloaded as CSV or PDF only."))
    with transaction.atomic():
        log_action(
            organisation, "privacy.register.exported", by=by, data={"format": format, "language": language}
        )
