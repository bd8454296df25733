"""Instruments as data: a TOML definition file is checked completely, then loaded in one transaction.

The format is described in docs/surveys.md. `check_definition` lists every problem with where it is
("items[4] (school-3): scale 'freq4' is not defined"; list positions count from 1); `load_instrument`
writes nothing when there is any problem. Loading the identical definition again changes nothing; a
changed definition needs a higher revision, and each revision is its own Instrument row, so answers
already given stay tied to the wording they were given to.
"""

import re
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeGuard

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from koppel.accounts.models import User
from koppel.common.domain.audit import log_action
from koppel.common.domain.errors import DomainError
from koppel.common.formatting import decimal_text
from koppel.programmes.models import Organisation
from koppel.surveys.enums import (
    SENSITIVE_DOMAINS,
    InstrumentKind,
    OutcomeDomain,
    Respondent,
    ScoreMethod,
)
from koppel.surveys.models import Instrument, Item, Subscale

SHIPPED_DIR = Path(__file__).resolve().parent.parent / "instruments"
# Keys of the instruments that ship with Koppel; an organisation's own instruments use other keys.
SHIPPED_PREFIX = "koppel-"

_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,59}$")
_TOP = {
    "key",
    "revision",
    "kind",
    "name",
    "description",
    "respondents",
    "young_age",
    "licence",
    "follows",
    "scales",
    "subscales",
    "items",
}
_LICENCE = {"name", "url", "holder", "redistributable"}
_SCALE = {"min", "max", "options"}
_OPTION = {"value", "nl", "en"}
_SUBSCALE = {
    "key",
    "name",
    "domain",
    "method",
    "min_answered",
    "higher_is_better",
    "threshold",
    "drop",
    "sensitive",
}
_ITEM = {"key", "subscale", "scale", "text", "young_text", "reverse", "sensitive"}


@dataclass
class InstrumentPlan:
    """What loading a definition would do: `existing` is the identical instrument already loaded
    (loading changes nothing) or None (a new instrument or revision is created)."""

    definition: dict[str, Any]
    existing: Instrument | None = None
    replaces: Instrument | None = None
    subscales: list[dict[str, Any]] = field(default_factory=list)
    items: list[dict[str, Any]] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        return self.existing is not None


class _Errors:
    def __init__(self) -> None:
        self.messages: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.messages.append(f"{where}: {message}" if where else message)


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _unknown(errors: _Errors, where: str, table: dict, allowed: set[str]) -> None:
    for name in sorted(set(table) - allowed):
        errors.add(where, _("unknown field '%(name)s'") % {"name": name})


def _text_pair(
    errors: _Errors, where: str, value: object, label: str, *, required: bool, max_length: int | None = None
) -> dict:
    """A {nl, en} table of texts; both languages are required when `required`."""
    if value is None and not required:
        return {"nl": "", "en": ""}
    if not isinstance(value, dict):
        errors.add(where, _("%(field)s must be a table with 'nl' and 'en'") % {"field": label})
        return {"nl": "", "en": ""}
    _unknown(errors, f"{where} {label}" if where else label, value, {"nl", "en"})
    pair = {}
    for language in ("nl", "en"):
        text = value.get(language, "")
        if not isinstance(text, str):
            errors.add(where, _("%(field)s.%(lang)s must be text") % {"field": label, "lang": language})
            text = ""
        text = text.strip()
        if required and not text:
            errors.add(where, _("%(field)s.%(lang)s is missing") % {"field": label, "lang": language})
        if max_length and len(text) > max_length:
            errors.add(
                where,
                _("%(field)s.%(lang)s is longer than %(n)s characters")
                % {"field": label, "lang": language, "n": max_length},
            )
        pair[language] = text
    return pair


def _bool(errors: _Errors, where: str, table: dict, name: str, default: bool) -> bool:
    value = table.get(name, default)
    if not isinstance(value, bool):
        errors.add(where, _("%(field)s must be true or false") % {"field": name})
        return default
    return value


def _check_scales(errors: _Errors, raw: object) -> dict[str, dict]:
    scales: dict[str, dict] = {}
    if not isinstance(raw, dict) or not raw:
        errors.add("scales", _("at least one answer scale is needed"))
        return scales
    for key, scale in raw.items():
        where = f"scales.{key}"
        if not _SLUG.match(key):
            errors.add(where, _("the key may hold only lowercase letters, digits, - and _"))
        if not isinstance(scale, dict):
            errors.add(where, _("must be a table with min, max and options"))
            continue
        _unknown(errors, where, scale, _SCALE)
        low, high = scale.get("min"), scale.get("max")
        if not _is_int(low) or not _is_int(high) or low >= high:
            errors.add(where, _("min and max must be whole numbers with min below max"))
            continue
        options = scale.get("options")
        if not isinstance(options, list):
            errors.add(where, _("options must be a list with one option per value"))
            continue
        checked = []
        for n, option in enumerate(options, start=1):
            owhere = f"{where}.options[{n}]"
            if not isinstance(option, dict):
                errors.add(owhere, _("must be a table with value, nl and en"))
                continue
            _unknown(errors, owhere, option, _OPTION)
            value = option.get("value")
            if not _is_int(value):
                errors.add(owhere, _("value must be a whole number"))
                continue
            labels = _text_pair(
                errors, owhere, {k: option.get(k, "") for k in ("nl", "en")}, "label", required=True
            )
            checked.append({"value": value, "nl": labels["nl"], "en": labels["en"]})
        values = sorted(o["value"] for o in checked)
        if len(checked) == len(options) and values != list(range(low, high + 1)):
            errors.add(
                where,
                _("the options must give each value from %(min)s to %(max)s exactly once")
                % {"min": low, "max": high},
            )
        scales[key] = {"min": low, "max": high, "options": checked}
    return scales


def _keyed_tables(
    errors: _Errors, raw: object, name: str, allowed: set[str], *, empty: str
) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Each table of the list `name` (subscales, items) as (where, key, table), after the checks they
    share: a list that is not empty, tables, no unknown fields, a slug as key used once. `key` is ""
    when it is wrong; a list entry that is no table is left out."""
    if not isinstance(raw, list) or not raw:
        errors.add(name, empty)
        return
    seen: set[str] = set()
    for n, table in enumerate(raw, start=1):
        if not isinstance(table, dict):
            errors.add(f"{name}[{n}]", _("must be a table"))
            continue
        key = table.get("key")
        where = f"{name}[{n}] ({key})" if isinstance(key, str) and key else f"{name}[{n}]"
        _unknown(errors, where, table, allowed)
        if not isinstance(key, str) or not _SLUG.match(key):
            errors.add(where, _("key is missing or holds more than lowercase letters, digits, - and _"))
            key = ""
        elif key in seen:
            errors.add(where, _("the key '%(key)s' is used twice") % {"key": key})
        seen.add(key)
        yield where, key, table


def _check_subscales(errors: _Errors, raw: object) -> list[dict]:
    subscales: list[dict] = []
    for where, key, table in _keyed_tables(
        errors, raw, "subscales", _SUBSCALE, empty=_("at least one subscale is needed")
    ):
        name = _text_pair(errors, where, table.get("name"), "name", required=True, max_length=150)
        domain = table.get("domain")
        if domain not in OutcomeDomain.values:
            errors.add(
                where,
                _("domain '%(value)s' is not one of: %(choices)s")
                % {"value": domain, "choices": ", ".join(OutcomeDomain.values)},
            )
        method = table.get("method", ScoreMethod.MEAN.value)
        if method not in ScoreMethod.values:
            errors.add(where, _("method must be 'mean' or 'sum'"))
        min_answered = table.get("min_answered", 1)
        if not _is_int(min_answered) or min_answered < 1:
            errors.add(where, _("min_answered must be a whole number of at least 1"))
            min_answered = 1
        threshold, drop = table.get("threshold"), table.get("drop")
        if threshold is not None and not _is_number(threshold):
            errors.add(where, _("threshold must be a number"))
            threshold = None
        if drop is not None and (not _is_number(drop) or drop <= 0):
            errors.add(where, _("drop must be a number above 0"))
            drop = None
        sensitive_domain = domain in SENSITIVE_DOMAINS
        sensitive = _bool(errors, where, table, "sensitive", sensitive_domain)
        if sensitive_domain and not sensitive:
            errors.add(where, _("answers about this domain are always sensitive; remove 'sensitive = false'"))
            sensitive = True
        subscales.append(
            {
                "key": key,
                "name": name,
                "domain": domain,
                "method": method,
                "min_answered": min_answered,
                "higher_is_better": _bool(errors, where, table, "higher_is_better", True),
                "threshold": float(threshold) if threshold is not None else None,
                "drop": float(drop) if drop is not None else None,
                "sensitive": sensitive,
            }
        )
    return subscales


def _check_items(errors: _Errors, raw: object, scales: dict, subscales: list[dict]) -> list[dict]:
    items: list[dict] = []
    by_key = {s["key"]: s for s in subscales if s["key"]}
    for where, key, table in _keyed_tables(
        errors, raw, "items", _ITEM, empty=_("at least one item is needed")
    ):
        subscale = by_key.get(table.get("subscale"))
        if subscale is None:
            errors.add(where, _("subscale '%(key)s' is not defined") % {"key": table.get("subscale")})
        scale = table.get("scale")
        if scale not in scales:
            errors.add(where, _("scale '%(key)s' is not defined") % {"key": scale})
        text = _text_pair(errors, where, table.get("text"), "text", required=True)
        young = _text_pair(errors, where, table.get("young_text"), "young_text", required=False)
        default_sensitive = bool(subscale and subscale["sensitive"])
        sensitive = _bool(errors, where, table, "sensitive", default_sensitive)
        if default_sensitive and not sensitive:
            errors.add(where, _("an item of a sensitive subscale is sensitive too"))
            sensitive = True
        items.append(
            {
                "key": key,
                "subscale": table.get("subscale"),
                "scale": scale,
                "text": text,
                "young_text": young,
                "reverse": _bool(errors, where, table, "reverse", False),
                "sensitive": sensitive,
            }
        )
    # Per subscale: items, one scale, enough items for min_answered.
    for n, subscale in enumerate(subscales, start=1):
        if not subscale["key"]:
            continue
        where = f"subscales[{n}] ({subscale['key']})"
        own = [i for i in items if i["subscale"] == subscale["key"]]
        if not own:
            errors.add(where, _("has no items"))
            continue
        if len({i["scale"] for i in own}) > 1:
            errors.add(where, _("all items of a subscale must use the same scale"))
        if subscale["min_answered"] > len(own):
            errors.add(
                where,
                _("min_answered is %(min)s but the subscale has %(n)s items")
                % {"min": subscale["min_answered"], "n": len(own)},
            )
        _check_alert_limits(errors, where, subscale, scales.get(own[0]["scale"]), len(own))
    return items


def _check_alert_limits(
    errors: _Errors, where: str, subscale: dict, scale: dict | None, n_items: int
) -> None:
    """OUT-4 alerts put a score on the coordinators' worklist: never a sensitive one (substance use,
    delinquency: read only on the survey page, where the reading is in the access log), and only
    with a threshold the score can reach and a drop it can make."""
    threshold, drop = subscale["threshold"], subscale["drop"]
    if threshold is None and drop is None:
        return
    if subscale["sensitive"]:
        errors.add(where, _("a sensitive subscale cannot raise alerts; remove threshold and drop"))
        return
    if not scale:
        return
    low, high = scale["min"], scale["max"]
    if subscale["method"] == ScoreMethod.SUM:
        low, high = low * n_items, high * n_items
    if threshold is not None and not low <= threshold <= high:
        errors.add(
            where,
            _("threshold %(value)s lies outside the scores this subscale can have (%(low)s to %(high)s)")
            % {"value": decimal_text(threshold), "low": decimal_text(low), "high": decimal_text(high)},
        )
    if drop is not None and drop > high - low:
        errors.add(
            where,
            _("drop %(value)s is larger than the range of this subscale's scores (%(low)s to %(high)s)")
            % {"value": decimal_text(drop), "low": decimal_text(low), "high": decimal_text(high)},
        )


# No definition nests deeper than a few levels (items > options > label > language); a file that does
# is refused before anything walks it.
MAX_NESTING = 12


def _too_deep() -> DomainError:
    return DomainError(
        _(
            "The file nests tables or lists too deeply or holds a number that is too long; "
            "a definition nests at most %(n)s levels."
        )
        % {"n": MAX_NESTING}
    )


def _depth(value: Any) -> int:
    """How deeply lists and tables nest in `value`, counted without recursion."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        node, level = stack.pop()
        children: Iterable[Any]
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        deepest = max(deepest, level + 1)
        if deepest > MAX_NESTING:
            return deepest
        stack.extend((child, level + 1) for child in children)
    return deepest


def check_definition(text: str) -> dict[str, Any]:
    """The normalised definition of a TOML text, or DomainError listing every problem."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise DomainError(_("The file is not valid TOML: %(error)s") % {"error": e}) from None
    except (RecursionError, ValueError):
        # The parser's own limits: arrays or tables nested past Python's recursion limit, a number
        # of thousands of digits.
        raise _too_deep() from None
    if _depth(raw) > MAX_NESTING:
        raise _too_deep()
    errors = _Errors()
    _unknown(errors, "", raw, _TOP)
    key = raw.get("key")
    if not isinstance(key, str) or not _SLUG.match(key):
        errors.add("key", _("is missing or holds more than lowercase letters, digits, - and _"))
    revision = raw.get("revision")
    if not _is_int(revision) or not 1 <= revision <= 32000:
        errors.add("revision", _("must be a whole number of at least 1"))
    kind = raw.get("kind")
    if kind not in InstrumentKind.values:
        errors.add("kind", _("must be one of: %(choices)s") % {"choices": ", ".join(InstrumentKind.values)})
    name = _text_pair(errors, "", raw.get("name"), "name", required=True, max_length=150)
    description = _text_pair(errors, "", raw.get("description"), "description", required=False)
    respondents = raw.get("respondents")
    if (
        not isinstance(respondents, list)
        or not respondents
        or any(r not in Respondent.values for r in respondents)
        or len(set(respondents)) != len(respondents)
    ):
        errors.add(
            "respondents",
            _("must be a list of one or more of: %(choices)s") % {"choices": ", ".join(Respondent.values)},
        )
        respondents = []
    young_age = raw.get("young_age")
    if young_age is not None and (not _is_int(young_age) or not 6 <= young_age <= 25):
        errors.add("young_age", _("must be an age between 6 and 25"))
    licence = raw.get("licence", {})
    if not isinstance(licence, dict):
        errors.add("licence", _("must be a table with name, url, holder and redistributable"))
        licence = {}
    _unknown(errors, "licence", licence, _LICENCE)
    licence_name = licence.get("name", "")
    if not isinstance(licence_name, str) or not licence_name.strip():
        errors.add("licence", _("name is missing (the licence under which you use the text)"))
        licence_name = ""
    licence_url = licence.get("url", "")
    if licence_url:
        try:
            URLValidator()(licence_url)
        except (ValidationError, TypeError):
            errors.add("licence", _("url is not a web address"))
    holder = licence.get("holder", "")
    if not isinstance(holder, str):
        errors.add("licence", _("holder must be text"))
        holder = ""
    redistributable = _bool(errors, "licence", licence, "redistributable", False)
    follows = raw.get("follows", "")
    if not isinstance(follows, str):
        errors.add("follows", _("must be text"))
        follows = ""
    scales = _check_scales(errors, raw.get("scales"))
    subscales = _check_subscales(errors, raw.get("subscales"))
    items = _check_items(errors, raw.get("items"), scales, subscales)
    if errors.messages:
        raise DomainError(
            ngettext(
                "The definition has %(n)s problem:",
                "The definition has %(n)s problems:",
                len(errors.messages),
            )
            % {"n": len(errors.messages)}
            + "\n"
            + "\n".join(f"- {m}" for m in errors.messages)
        )
    return {
        "key": key,
        "revision": revision,
        "kind": kind,
        "name": name,
        "description": description,
        "respondents": respondents,
        "young_age": young_age,
        "licence": {
            "name": licence_name.strip(),
            "url": licence_url or "",
            "holder": holder.strip(),
            "redistributable": redistributable,
        },
        "follows": follows.strip(),
        "scales": scales,
        "subscales": subscales,
        "items": items,
    }


def _same_key(definition: dict, organisation: Organisation | None) -> QuerySet[Instrument]:
    return Instrument.objects.filter(organisation=organisation, key=definition["key"])


def plan_instrument(text: str, *, organisation: Organisation | None) -> InstrumentPlan:
    """Check a definition and say what loading it would do (the dry run); DomainError when it
    cannot be loaded."""
    definition = check_definition(text)
    if organisation is not None and definition["key"].startswith(SHIPPED_PREFIX):
        raise DomainError(
            _(
                "Keys starting with '%(prefix)s' are for the instruments that ship with Koppel; "
                "choose another key."
            )
            % {"prefix": SHIPPED_PREFIX}
        )
    same_key = _same_key(definition, organisation)
    plan = InstrumentPlan(definition, subscales=definition["subscales"], items=definition["items"])
    existing = same_key.filter(revision=definition["revision"]).first()
    if existing is not None:
        if existing.definition != definition:
            raise DomainError(
                _(
                    "Revision %(revision)s of '%(key)s' is already loaded with a different content. "
                    "Give the changed definition a higher revision."
                )
                % {"revision": definition["revision"], "key": definition["key"]}
            )
        plan.existing = existing
        return plan
    latest = same_key.aggregate(latest=Max("revision"))["latest"]
    if latest is not None and latest > definition["revision"]:
        raise DomainError(
            _(
                "Revision %(latest)s of '%(key)s' is already loaded; "
                "a changed definition needs revision %(next)s or higher."
            )
            % {"latest": latest, "key": definition["key"], "next": latest + 1}
        )
    plan.replaces = same_key.filter(revision=latest).first() if latest is not None else None
    return plan


def load_instrument(text: str, *, organisation: Organisation | None, by: User | None) -> Instrument:
    """Check and load a definition (organisation None: one that ships with Koppel).

    Side effects: creates the Instrument with its subscales and items in one transaction and writes
    `surveys.instrument.loaded` to the activity log. The identical definition again returns the
    instrument already loaded and writes nothing. Raises DomainError listing every problem.
    """
    plan = plan_instrument(text, organisation=organisation)
    if plan.existing is not None:
        return plan.existing
    d = plan.definition
    with transaction.atomic():
        instrument = Instrument.objects.create(
            organisation=organisation,
            key=d["key"],
            revision=d["revision"],
            kind=d["kind"],
            name_nl=d["name"]["nl"],
            name_en=d["name"]["en"],
            description_nl=d["description"]["nl"],
            description_en=d["description"]["en"],
            respondents=d["respondents"],
            young_age=d["young_age"],
            scales=d["scales"],
            licence_name=d["licence"]["name"][:200],
            licence_url=d["licence"]["url"],
            licence_holder=d["licence"]["holder"][:200],
            redistributable=d["licence"]["redistributable"],
            follows=d["follows"],
            definition=d,
            loaded_by=by if getattr(by, "is_authenticated", False) else None,
        )
        subscales = Subscale.objects.bulk_create(
            Subscale(
                instrument=instrument,
                key=s["key"],
                position=n,
                name_nl=s["name"]["nl"],
                name_en=s["name"]["en"],
                domain=s["domain"],
                method=s["method"],
                min_answered=s["min_answered"],
                higher_is_better=s["higher_is_better"],
                threshold=s["threshold"],
                drop=s["drop"],
                sensitive=s["sensitive"],
            )
            for n, s in enumerate(d["subscales"], start=1)
        )
        by_key = {s.key: s for s in subscales}
        Item.objects.bulk_create(
            Item(
                instrument=instrument,
                subscale=by_key[i["subscale"]],
                key=i["key"],
                position=n,
                scale=i["scale"],
                text_nl=i["text"]["nl"],
                text_en=i["text"]["en"],
                young_text_nl=i["young_text"]["nl"],
                young_text_en=i["young_text"]["en"],
                reverse=i["reverse"],
                sensitive=i["sensitive"],
            )
            for n, i in enumerate(d["items"], start=1)
        )
        log_action(
            instrument,
            "surveys.instrument.loaded",
            by=by,
            fields=["definition"],
            data={"key": instrument.key, "revision": instrument.revision},
        )
    return instrument


def set_instrument_active(instrument: Instrument, *, active: bool, by: User) -> Instrument:
    """Switch an organisation's own instrument on or off (shipped instruments stay as they are).

    Side effects: saves `active`, bumps the version, writes `surveys.instrument.activated` or
    `surveys.instrument.deactivated`."""
    if instrument.organisation_id is None:
        raise DomainError(_("The instruments that ship with Koppel cannot be switched off here."))
    if instrument.active == active:
        raise DomainError(
            _("The instrument is already active.") if active else _("The instrument is already inactive.")
        )
    with transaction.atomic():
        instrument.active = active
        instrument.version += 1
        instrument.save(update_fields=["active", "version", "updated_at"])
        log_action(
            instrument,
            "surveys.instrument.activated" if active else "surveys.instrument.deactivated",
            by=by,
            fields=["active"],
        )
    return instrument


def shipped_definition_files() -> list[Path]:
    return sorted(SHIPPED_DIR.glob("*.toml"))


def install_shipped_instruments() -> list[Instrument]:
    """Load every definition in surveys/instruments/ (organisation None). Idempotent: run after
    every migrate; a shipped file whose content changed without a higher revision raises."""
    return [
        load_instrument(path.read_text(encoding="utf-8"), organisation=None, by=None)
        for path in shipped_definition_files()
    ]
