"""django-import-export resources for mentors, youth and guardians.

Columns are the profile fields under their model names, so a file exported from Koppel imports back
unchanged. Each cell is checked by the same rules as the edit forms (postcode, date of birth, language
codes, ...); a bad cell becomes a translated error on its row and column, never a half-import.

Rows are matched to existing people by a natural key, so importing the same file twice changes nothing:
mentors and youth by (programme, e-mail address) when one is given, else (programme, first name, last
name, date of birth); guardians by (organisation, e-mail address), else (organisation, first name,
last name, phone number). Everything known is loaded once before the first row (no query per row), and
rows are written with bulk operations; the many-to-many interests and the activity log are written
after the last row by `koppel.people.domain.imports`.
"""

import re
import unicodedata
from collections import defaultdict
from datetime import date, datetime
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import resources
from import_export.fields import Field
from import_export.widgets import Widget

from koppel.common.domain.errors import DomainError
from koppel.people.domain.disqualification import FROZEN_WHEN_DISQUALIFIED, refuse_identity_change
from koppel.people.enums import (
    AVAILABILITY_SLOTS,
    Gender,
    MentorMotive,
    SchoolType,
    SpokenLanguage,
    UILanguage,
)
from koppel.people.forms.people import MentorForm, YouthForm, clean_postcode
from koppel.people.models import Guardian, Interest, Mentor, Youth
from koppel.people.models.people import age_on

# A cell starting with one of these is a formula to a spreadsheet program (CSV/formula injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")
# A spreadsheet program may split an unquoted CSV cell at these (Dutch Excel splits at ";"), so a
# formula after one of them starts a cell of its own.
CELL_SEPARATORS = re.compile(r"[;,]")
DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y")
RELATED_FIELDS = ("programme", "organisation", "user", "coordinator", "campaign", "proposed_for", "interests")


def is_formula(text: str) -> bool:
    """Whether a spreadsheet program could take `text`, or a part of it it may split off at a ";" or
    ",", for a formula: a formula start after any leading spaces, with full-width forms (U+FF1D,
    U+FF0B, U+FF0D, U+FF20) and other compatibility forms folded to the ASCII sign (NFKC)."""
    if text.startswith(FORMULA_STARTS):
        return True
    for part in CELL_SEPARATORS.split(text):
        first = part.lstrip()[:1]
        if first and unicodedata.normalize("NFKC", first).startswith(FORMULA_STARTS):
            return True
    return False


def neutralise(value):
    """Make a text cell inert in spreadsheet programs: a leading apostrophe before a formula start.
    The one rule of every export (people, reports); CSV exports also quote every cell, so a cell is
    never split into one that starts with a formula."""
    if isinstance(value, str) and is_formula(value):
        return "'" + value
    return value


def _text(value) -> str:
    """A cell as stripped text; undoes `neutralise`, so an exported file imports back unchanged."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if len(text) > 1 and text[0] == "'" and is_formula(text[1:]):
        text = text[1:].strip()
    return text


def _comparable(value):
    # Lists are sets of codes (languages, availability, motives): their order carries no meaning.
    return sorted(map(str, value)) if isinstance(value, list) else value


# --- Widgets: one cell <-> one value, refusing with the forms' messages -----------------------------


class TextWidget(Widget):
    def clean(self, value, row=None, **kwargs):
        return _text(value)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class EmailWidget(TextWidget):
    def clean(self, value, row=None, **kwargs):
        return _text(value).lower()


class PostcodeWidget(TextWidget):
    def clean(self, value, row=None, **kwargs):
        try:
            return clean_postcode(_text(value))
        except forms.ValidationError as e:
            raise ValueError(e.messages[0]) from None


class ChoiceWidget(TextWidget):
    """One code out of a TextChoices; an empty cell gives `empty` (the model's default or blank)."""

    def __init__(self, choices, *, empty: str = ""):
        super().__init__()
        self.values = list(choices.values)
        self.empty = empty

    def clean(self, value, row=None, **kwargs):
        code = _text(value).lower()
        if not code:
            return self.empty
        if code not in self.values:
            raise ValueError(
                _("“%(value)s” is not a known code; use one of: %(codes)s.")
                % {"value": code, "codes": ", ".join(v for v in self.values if v)}
            )
        return code


class CodeListWidget(TextWidget):
    """A comma-separated list of codes (languages, availability slots, motives), stored sorted."""

    def __init__(self, allowed):
        super().__init__()
        self.allowed = list(allowed)

    def clean(self, value, row=None, **kwargs):
        codes = sorted({c.strip().lower() for c in _text(value).replace(";", ",").split(",") if c.strip()})
        unknown = [c for c in codes if c not in self.allowed]
        if unknown:
            raise ValueError(
                _("Unknown code(s): %(unknown)s. Use codes such as: %(codes)s.")
                % {"unknown": ", ".join(unknown), "codes": ", ".join(self.allowed[:8])}
            )
        return codes

    def render(self, value, obj=None, **kwargs):
        return ",".join(value or [])


class InterestsWidget(CodeListWidget):
    """Interests as comma-separated slugs of the managed list; cleans to the interests' ids."""

    def __init__(self):
        super().__init__([])
        self.ids: dict[str, int] = {}

    def load(self) -> None:
        self.ids = dict(Interest.objects.values_list("slug", "pk"))
        self.allowed = sorted(self.ids)

    def clean(self, value, row=None, **kwargs):
        return sorted(self.ids[slug] for slug in super().clean(value, row, **kwargs))

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else ",".join(sorted(i.slug for i in value.all()))


class DateOfBirthWidget(Widget):
    """A date of birth whose age fits the form's range (MentorForm/YouthForm.AGE_RANGE)."""

    def __init__(self, age_range: tuple[int, int]):
        super().__init__()
        self.age_range = age_range

    def clean(self, value, row=None, **kwargs):
        born = self._parse(value)
        low, high = self.age_range
        age = age_on(born, timezone.localdate())
        if age is None or not low <= age <= high:
            raise ValueError(
                _("The age from this date of birth must be between %(low)s and %(high)s years.")
                % {"low": low, "high": high}
            )
        return born

    def _parse(self, value) -> date:
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = _text(value)
        if not text:
            raise ValueError(_("This field is required."))
        for fmt in DATE_FORMATS:
            try:
                return datetime.strptime(text, fmt).date()  # noqa: DTZ007 (a day, not a moment)
            except ValueError:
                continue
        raise ValueError(_("Enter a date such as 2010-05-17 or 17-05-2010."))

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class SchoolYearWidget(TextWidget):
    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            return None
        if not text.isdigit() or not 0 < int(text) < 20:
            raise ValueError(_("Enter a school year as a whole number, such as 2."))
        return int(text)


class InterestsField(Field):
    """Keeps the cleaned interest ids on the instance; they are written after the bulk insert."""

    def save(self, instance, row, is_m2m=False, **kwargs):
        instance._import_interest_ids = self.clean(row, **kwargs)


def _field(name: str, widget: Widget) -> Field:
    return Field(attribute=name, column_name=name, widget=widget)


# --- Resources --------------------------------------------------------------------------------------


class KoppelResource(resources.ModelResource):
    """What the three resources share: preloaded natural keys, bulk writes, field-name change lists."""

    REQUIRED_COLUMNS: tuple[str, ...] = ()

    class Meta:
        use_bulk = True
        batch_size = 1000
        skip_unchanged = True
        report_skipped = True
        # The library's diff deep-copies every row and renders it; skip_row compares a snapshot instead.
        skip_diff = True
        skip_html_diff = True
        clean_model_instances = True
        import_id_fields: list[str] = []

    def __init__(self, *, programme, user=None):
        super().__init__()
        self.programme = programme
        self.user = user
        self.saved: list[tuple[Any, bool]] = []  # (instance, created) in row order
        self._seen_keys: dict[tuple, int] = {}
        self._seen_pks: dict[int, int] = {}
        self._row_key: tuple | None = None
        self._row_changed: list[str] = []
        self._before: dict = {}
        if "interests" in self.fields:
            self.fields["interests"].widget.load()

    def get_import_fields(self):
        # Asked several times per row; the answer never changes during a run.
        if getattr(self, "_import_fields", None) is None:
            self._import_fields = super().get_import_fields()
        return self._import_fields

    def fields_not_imported(self) -> list[str]:
        """The model's own fields that no column of the file writes."""
        if getattr(self, "_not_imported", None) is None:
            imported = {field.attribute for field in self.get_import_fields()}
            self._not_imported = [
                f.name for f in self._meta.model._meta.concrete_fields if f.name not in imported
            ]
        return self._not_imported

    # Natural keys ---------------------------------------------------------------------------------

    def existing(self):
        raise NotImplementedError

    def key_of(self, row) -> tuple | None:
        raise NotImplementedError

    def before_import(self, dataset, **kwargs):
        self.by_key: dict[tuple, Any] = {}
        for obj in self.existing():
            for key in self.keys_of_instance(obj):
                self.by_key.setdefault(key, obj)
        self.stored_interests: dict[int, list[int]] = defaultdict(list)
        if "interests" in self.fields:
            # The link rows as plain ids: much cheaper than prefetching Interest objects per person.
            through = self._meta.model.interests.through
            owner = f"{self._meta.model._meta.model_name}_id"
            links = through.objects.filter(**{f"{owner}__in": self.existing().values("pk")})
            for person_id, interest_id in links.values_list(owner, "interest_id").order_by("interest_id"):
                self.stored_interests[person_id].append(interest_id)

    def keys_of_instance(self, obj) -> list[tuple]:
        raise NotImplementedError

    def _cell(self, name: str, row):
        """A cleaned cell for the key, or None when it is missing or invalid (reported elsewhere)."""
        if name not in row:
            return None
        try:
            return self.fields[name].clean(row)
        except ValueError:
            return None

    def get_instance(self, instance_loader, row):
        key = self.key_of(row)
        # The row's identity within the file: its e-mail address when given, else the name key.
        email = self._cell("email", row)
        self._row_key = ("email", email) if email else key
        return self.by_key.get(key) if key else None

    def after_init_instance(self, instance, new, row, **kwargs):
        number = kwargs["row_number"]
        key = self._row_key
        earlier = self._seen_keys.get(key) if key else None
        if earlier is None and not new:
            earlier = self._seen_pks.get(instance.pk)
        if earlier is not None:
            raise ValidationError(
                {NON_FIELD_ERRORS: _("This row is about the same person as row %(row)s.") % {"row": earlier}}
            )
        if key:
            self._seen_keys[key] = number
        if not new:
            self._seen_pks[instance.pk] = number
        self._before = self._snapshot(instance)

    def _snapshot(self, instance) -> dict:
        values = {}
        for field in self.get_import_fields():
            if isinstance(field, InterestsField):
                values[field.attribute] = self.stored_interests.get(instance.pk, []) if instance.pk else []
            else:
                values[field.attribute] = field.get_value(instance)
        return values

    # Changes ----------------------------------------------------------------------------------------

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """Work out which imported fields change; a known person with none is skipped (unchanged)."""
        self._row_changed = []
        for field in self.get_import_fields():
            if field.column_name not in row:
                continue
            before = self._before[field.attribute]
            if isinstance(field, InterestsField):
                after = getattr(instance, "_import_interest_ids", before)
            else:
                after = field.get_value(instance)
            if _comparable(after) != _comparable(before):
                self._row_changed.append(field.attribute)
        if import_validation_errors or instance.pk is None:
            return False
        return not self._row_changed

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        try:
            self.check_row(instance)
        except ValidationError as e:
            errors = e.update_error_dict(errors)
        try:
            # Related rows are set by the import itself; checking them would cost a query per row. The
            # fields no column writes are left as they are, and so are the database checks that read
            # only those (a query per row each): an import never writes a status or its reason.
            instance.full_clean(
                exclude=[*errors, *RELATED_FIELDS, *self.fields_not_imported()], validate_unique=False
            )
        except ValidationError as e:
            errors = e.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def check_row(self, instance) -> None:
        """Rules across columns; raise ValidationError."""

    def save_instance(self, instance, is_create, row, **kwargs):
        if not is_create:
            instance.version += 1
            instance.updated_at = timezone.now()
        instance._import_changed = self._row_changed
        self.saved.append((instance, is_create))
        super().save_instance(instance, is_create, row, **kwargs)

    def get_bulk_update_fields(self):
        names = [f.attribute for f in self.get_import_fields() if not isinstance(f, InterestsField)]
        return [*names, "version", "updated_at"]

    def after_import_row(self, row, row_result, **kwargs):
        row_result.number = kwargs["row_number"]
        row_result.changed = self._row_changed

    def after_import(self, dataset, result, **kwargs):
        # ModelResource resets the id sequence here, for files that carry ids; these never do, and a
        # reset could race with other inserts on PostgreSQL.
        return None

    # Export ---------------------------------------------------------------------------------------

    def export_field(self, field, instance, **kwargs):
        return neutralise(super().export_field(field, instance, **kwargs))


PERSON_FIELDS = [
    "first_name",
    "last_name",
    "date_of_birth",
    "gender",
    "email",
    "phone",
    "preferred_language",
    "languages",
    "postcode",
    "neighbourhood",
    "school_type",
    "school_year",
    "interests",
    "availability",
]


class PersonResource(KoppelResource):
    REQUIRED_COLUMNS = ("first_name", "last_name", "date_of_birth")

    first_name = _field("first_name", TextWidget())
    last_name = _field("last_name", TextWidget())
    gender = _field("gender", ChoiceWidget(Gender, empty=Gender.UNSPECIFIED))
    email = _field("email", EmailWidget())
    phone = _field("phone", TextWidget())
    preferred_language = _field("preferred_language", ChoiceWidget(UILanguage, empty=UILanguage.NL))
    languages = _field("languages", CodeListWidget(SpokenLanguage.values))
    postcode = _field("postcode", PostcodeWidget())
    neighbourhood = _field("neighbourhood", TextWidget())
    school_type = _field("school_type", ChoiceWidget(SchoolType))
    school_year = _field("school_year", SchoolYearWidget())
    availability = _field("availability", CodeListWidget(AVAILABILITY_SLOTS))
    interests = InterestsField(attribute="interests", column_name="interests", widget=InterestsWidget())

    def existing(self):
        return self._meta.model.objects.filter(programme=self.programme)

    def keys_of_instance(self, obj) -> list[tuple]:
        keys: list[tuple] = [("name", obj.first_name.lower(), obj.last_name.lower(), obj.date_of_birth)]
        if obj.email:
            keys.append(("email", obj.email.lower()))
        return keys

    def key_of(self, row) -> tuple | None:
        email = self._cell("email", row)
        if email and ("email", email) in self.by_key:
            return ("email", email)
        first, last, born = (self._cell(n, row) for n in ("first_name", "last_name", "date_of_birth"))
        if not (first and last and born):
            return ("email", email) if email else None
        key: tuple = ("name", first.lower(), last.lower(), born)
        # With an e-mail address, a name match only counts for someone stored without one.
        if email and key in self.by_key and self.by_key[key].email:
            return ("email", email)
        return key

    def init_instance(self, row=None):
        return self._meta.model(programme=self.programme)


class MentorResource(PersonResource):
    date_of_birth = _field("date_of_birth", DateOfBirthWidget(MentorForm.AGE_RANGE))
    motives = _field("motives", CodeListWidget(MentorMotive.values))
    occupation = _field("occupation", TextWidget())

    def check_row(self, instance) -> None:
        super().check_row(instance)
        if instance.pk:
            changed = [
                name
                for name in FROZEN_WHEN_DISQUALIFIED
                if name in self._before
                and _comparable(getattr(instance, name)) != _comparable(self._before[name])
            ]
            try:
                refuse_identity_change(instance, changed)
            except DomainError as e:
                raise ValidationError({NON_FIELD_ERRORS: e.message}) from None

    class Meta(KoppelResource.Meta):
        model = Mentor
        fields = [*PERSON_FIELDS, "motives", "occupation"]
        import_order = fields
        export_order = fields


class YouthResource(PersonResource):
    date_of_birth = _field("date_of_birth", DateOfBirthWidget(YouthForm.AGE_RANGE))
    goals = _field("goals", TextWidget())
    wishes = _field("wishes", TextWidget())

    class Meta(KoppelResource.Meta):
        model = Youth
        fields = [*PERSON_FIELDS, "goals", "wishes"]
        import_order = fields
        export_order = fields


class GuardianResource(KoppelResource):
    REQUIRED_COLUMNS = ("first_name", "last_name")

    first_name = _field("first_name", TextWidget())
    last_name = _field("last_name", TextWidget())
    email = _field("email", EmailWidget())
    phone = _field("phone", TextWidget())
    preferred_language = _field("preferred_language", ChoiceWidget(UILanguage, empty=UILanguage.NL))
    languages = _field("languages", CodeListWidget(SpokenLanguage.values))
    postcode = _field("postcode", PostcodeWidget())

    class Meta(KoppelResource.Meta):
        model = Guardian
        fields = ["first_name", "last_name", "email", "phone", "preferred_language", "languages", "postcode"]
        import_order = fields
        export_order = fields

    def __init__(self, *, programme, user=None, changeable=None):
        super().__init__(programme=programme, user=user)
        # Guardians belong to the organisation; staff may change only those they can see (or nobody's yet).
        self.changeable = changeable  # a queryset of guardian pks, or None: all of the organisation

    def existing(self):
        # Only the guardians the importer may change are matched: a row with the e-mail address or
        # name of a guardian of another programme is a new guardian of this one, and the importer
        # learns nothing about a person they cannot see.
        guardians = Guardian.objects.filter(organisation_id=self.programme.organisation_id)
        if self.changeable is not None:
            guardians = guardians.filter(pk__in=self.changeable)
        return guardians

    def keys_of_instance(self, obj) -> list[tuple]:
        keys: list[tuple] = [("name", obj.first_name.lower(), obj.last_name.lower(), _text(obj.phone))]
        if obj.email:
            keys.append(("email", obj.email.lower()))
        return keys

    def key_of(self, row) -> tuple | None:
        email = self._cell("email", row)
        if email:
            return ("email", email)
        first, last = self._cell("first_name", row), self._cell("last_name", row)
        if not (first and last):
            return None
        return ("name", first.lower(), last.lower(), self._cell("phone", row) or "")

    def init_instance(self, row=None):
        return Guardian(organisation_id=self.programme.organisation_id)

    def check_row(self, instance) -> None:
        if not instance.email and not instance.phone:
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: _(
                        "Enter an e-mail address or a phone number, so the programme can reach this person."
                    )
                }
            )


RESOURCES: dict[str, type[KoppelResource]] = {
    "mentor": MentorResource,
    "youth": YouthResource,
    "guardian": GuardianResource,
}
