"""The data map: every model field that holds personal data, classified once.

`DATA_MAP` has one `ModelEntry` per model that holds personal data: why Koppel holds it, who
receives it, where it comes from, and one `FieldEntry` per personal field (its category, purpose,
legal basis and retention rule). The privacy page, the register of processing, the subject access
archive and the retention schedule read it; tests/privacy/test_datamap.py fails when a field on a
personal model is not classified."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models
from django.utils.functional import Promise

from koppel.privacy.enums import Category, LegalBasis, RetentionRule


@dataclass(frozen=True)
class FieldEntry:
    category: Category
    purpose: Promise | str
    basis: LegalBasis
    retention: RetentionRule


@dataclass(frozen=True)
class ModelEntry:
    purpose: Promise | str
    recipients: Promise | str
    source: Promise | str
    retention: RetentionRule
    fields: dict[str, FieldEntry] = field(default_factory=dict)


# "app_label.ModelName" -> its entry.
DATA_MAP: dict[str, ModelEntry] = {}


def entry_for(model: type[models.Model] | models.Model) -> ModelEntry | None:
    """The data map's entry for a model (or an instance of it), None for a model without personal data."""
    return DATA_MAP.get(model._meta.label)
