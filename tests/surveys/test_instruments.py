"""Instruments as data: checking a definition, loading it once, revisions, the shipped instruments."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from koppel.common.domain.errors import DomainError
from koppel.common.models import ActivityLog
from koppel.surveys.domain.instruments import (
    check_definition,
    install_shipped_instruments,
    load_instrument,
    plan_instrument,
    set_instrument_active,
    shipped_definition_files,
)
from koppel.surveys.enums import RELATIONSHIP_DOMAINS, OutcomeDomain
from koppel.surveys.models import Instrument, Item
from tests import factories as f

DEFINITION = """
key = "test-wellbeing"
revision = 1
kind = "outcomes"
respondents = ["youth"]
young_age = 12
follows = "Nothing in particular"

[name]
nl = "Welzijn"
en = "Wellbeing"

[licence]
name = "Licence agreement 2026"
url = "https://example.org/licence"
holder = "Example University"
redistributable = false

[scales.agree5]
min = 1
max = 5
options = [
  { value = 1, nl = "Nee", en = "No" },
  { value = 2, nl = "Eerder niet", en = "Rather not" },
  { value = 3, nl = "Soms", en = "Sometimes" },
  { value = 4, nl = "Eerder wel", en = "Rather yes" },
  { value = 5, nl = "Ja", en = "Yes" },
]

[[subscales]]
key = "school"
name = { nl = "School", en = "School" }
domain = "school"
min_answered = 2

[[subscales]]
key = "substances"
name = { nl = "Middelen", en = "Substances" }
domain = "substances"
higher_is_better = false

[[items]]
key = "school-1"
subscale = "school"
scale = "agree5"
text = { nl = "Ik ga graag naar school.", en = "I like school." }
young_text = { nl = "School is leuk.", en = "School is fun." }

[[items]]
key = "school-2"
subscale = "school"
scale = "agree5"
text = { nl = "Ik spijbel.", en = "I skip school." }
reverse = true

[[items]]
key = "substances-1"
subscale = "substances"
scale = "agree5"
text = { nl = "Ik drink alcohol.", en = "I drink alcohol." }
"""


@pytest.fixture
def organisation(db):
    return f.OrganisationFactory()


def test_definition_loads_with_subscales_items_and_licence(organisation):
    user = f.UserFactory()
    instrument = load_instrument(DEFINITION, organisation=organisation, by=user)
    assert (instrument.key, instrument.revision, instrument.kind) == ("test-wellbeing", 1, "outcomes")
    assert instrument.organisation == organisation
    assert instrument.licence_holder == "Example University"
    assert instrument.redistributable is False
    assert instrument.scales["agree5"]["max"] == 5
    assert [s.key for s in instrument.subscales.order_by("position")] == ["school", "substances"]
    items = {i.key: i for i in instrument.items.select_related("subscale")}
    assert items["school-2"].reverse is True
    assert items["school-1"].text_for("en", young=True) == "School is fun."
    assert items["school-1"].young_text_nl == "School is leuk."
    # A sensitive domain makes its subscale and items sensitive without saying so.
    assert items["substances-1"].sensitive is True
    assert instrument.subscales.get(key="substances").sensitive is True
    log = ActivityLog.objects.get(action="surveys.instrument.loaded", object_id=instrument.pk)
    assert log.object_id == instrument.pk and log.actor_id == user.pk


def test_loading_the_identical_definition_again_changes_nothing(organisation):
    first = load_instrument(DEFINITION, organisation=organisation, by=None)
    # Comments and layout do not count: the parsed content does.
    again = load_instrument("# a comment\n" + DEFINITION, organisation=organisation, by=None)
    assert again.pk == first.pk
    assert Instrument.objects.filter(key="test-wellbeing").count() == 1
    assert Item.objects.filter(instrument__key="test-wellbeing").count() == 3
    assert ActivityLog.objects.filter(action="surveys.instrument.loaded", object_id=first.pk).count() == 1
    assert plan_instrument(DEFINITION, organisation=organisation).unchanged


def test_changed_definition_needs_a_higher_revision(organisation):
    load_instrument(DEFINITION, organisation=organisation, by=None)
    changed = DEFINITION.replace("Ik spijbel.", "Ik blijf weg van school.")
    with pytest.raises(DomainError, match="higher revision"):
        load_instrument(changed, organisation=organisation, by=None)
    second = load_instrument(
        changed.replace("revision = 1", "revision = 2"), organisation=organisation, by=None
    )
    assert second.revision == 2
    assert Instrument.objects.filter(key="test-wellbeing").count() == 2
    # An older revision that was never loaded is refused too.
    fresh = DEFINITION.replace("test-wellbeing", "test-other")
    load_instrument(fresh.replace("revision = 1", "revision = 3"), organisation=organisation, by=None)
    with pytest.raises(DomainError, match="revision 4 or higher"):
        load_instrument(fresh.replace("revision = 1", "revision = 2"), organisation=organisation, by=None)


def test_same_key_in_another_organisation_is_its_own_instrument(organisation):
    load_instrument(DEFINITION, organisation=organisation, by=None)
    other = load_instrument(DEFINITION, organisation=f.OrganisationFactory(), by=None)
    assert other.organisation != organisation


def test_every_problem_is_listed_with_where_it_is_and_nothing_is_written(organisation):
    broken = (
        DEFINITION.replace('kind = "outcomes"', 'kind = "feelings"')
        .replace(
            'scale = "agree5"\ntext = { nl = "Ik spijbel."', 'scale = "freq4"\ntext = { nl = "Ik spijbel."'
        )
        .replace('domain = "school"', 'domain = "schooling"')
        .replace('respondents = ["youth"]', 'respondents = ["teacher"]')
        .replace('{ value = 5, nl = "Ja", en = "Yes" },', "")
        .replace('en = "I drink alcohol."', 'en = ""')
        .replace("young_age = 12", "young_age = 12\ncolour = 'blue'")
    )
    with pytest.raises(DomainError) as e:
        load_instrument(broken, organisation=organisation, by=None)
    message = e.value.message
    assert "kind: must be one of" in message
    assert "items[2] (school-2): scale 'freq4' is not defined" in message
    assert "subscales[1] (school): domain 'schooling' is not one of" in message
    assert "respondents: must be a list" in message
    assert "scales.agree5: the options must give each value from 1 to 5 exactly once" in message
    assert "items[3] (substances-1): text.en is missing" in message
    assert "unknown field 'colour'" in message
    assert "subscales[1] (school): all items of a subscale must use the same scale" in message
    assert not Instrument.objects.filter(key="test-wellbeing").exists()
    assert not ActivityLog.objects.filter(actor__isnull=False).exists()


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("min_answered = 2", "min_answered = 4"), "min_answered is 4 but the subscale has 2 items"),
        (
            (
                'subscale = "school"\nscale = "agree5"\ntext = { nl = "Ik spijbel."',
                'subscale = "sport"\nscale = "agree5"\ntext = { nl = "Ik spijbel."',
            ),
            "subscale 'sport' is not defined",
        ),
        (('key = "school-2"', 'key = "school-1"'), "the key 'school-1' is used twice"),
        (("higher_is_better = false", "higher_is_better = false\nsensitive = false"), "always sensitive"),
        (("revision = 1", "revision = 0"), "revision: must be a whole number"),
        (('name = "Licence agreement 2026"', 'name = ""'), "licence: name is missing"),
        (('url = "https://example.org/licence"', 'url = "not a url"'), "licence: url is not a web address"),
        (("[name]", "[name]\nde = 'x'"), "unknown field 'de'"),
        (("reverse = true", 'reverse = "yes"'), "reverse must be true or false"),
        # OUT-4 alerts never put a sensitive score on the worklist, and need limits the score can reach.
        (
            ("higher_is_better = false", "higher_is_better = false\nthreshold = 3.0"),
            "subscales[2] (substances): a sensitive subscale cannot raise alerts",
        ),
        (
            ("min_answered = 2", "min_answered = 2\nthreshold = 6.0"),
            "threshold 6 lies outside the scores this subscale can have (1 to 5)",
        ),
        (
            ("min_answered = 2", "min_answered = 2\nmethod = 'sum'\nthreshold = 11"),
            "threshold 11 lies outside the scores this subscale can have (2 to 10)",
        ),
        (("min_answered = 2", "min_answered = 2\ndrop = 4.5"), "drop 4.5 is larger than the range"),
    ],
)
def test_single_problems_are_reported(change, expected):
    old, new = change
    assert old in DEFINITION
    with pytest.raises(DomainError) as e:
        check_definition(DEFINITION.replace(old, new, 1))
    assert expected in e.value.message


def test_invalid_toml_is_reported_with_its_line():
    with pytest.raises(DomainError, match=r"not valid TOML.*line 3"):
        check_definition('key = "x"\nrevision = 1\nkind = \n')


def test_organisation_may_not_use_the_shipped_key_prefix(organisation):
    with pytest.raises(DomainError, match="ship with Koppel"):
        load_instrument(
            DEFINITION.replace("test-wellbeing", "koppel-wellbeing"), organisation=organisation, by=None
        )


@pytest.mark.django_db
def test_shipped_instruments_are_installed_after_migrate_and_idempotent():
    # The post_migrate hook loaded them into the test database already.
    keys = set(Instrument.objects.filter(organisation=None).values_list("key", flat=True))
    assert {
        "koppel-outcomes-youth",
        "koppel-outcomes-guardian",
        "koppel-relationship-youth",
        "koppel-relationship-mentor",
    } <= keys
    before = Instrument.objects.count(), Item.objects.count()
    installed = install_shipped_instruments()
    assert len(installed) == len(shipped_definition_files())
    assert (Instrument.objects.count(), Item.objects.count()) == before


@pytest.mark.django_db
def test_shipped_outcome_instrument_covers_the_six_domains__OUT_1():
    youth = Instrument.objects.get(key="koppel-outcomes-youth", organisation=None)
    assert youth.respondents == ["youth"] and youth.young_age == 12 and youth.redistributable
    assert youth.licence_name == "CC BY 4.0"
    subscales = {s.key: s for s in youth.subscales.all()}
    assert list(subscales) == [
        "school",
        "substances",
        "delinquency",
        "parents",
        "emotional-support",
        "helping",
    ]
    assert subscales["emotional-support"].domain == OutcomeDomain.EMOTIONAL_SUPPORT
    for key in ("substances", "delinquency"):
        assert subscales[key].sensitive and not subscales[key].higher_is_better
        assert all(i.sensitive for i in subscales[key].items.all())
    for subscale in subscales.values():
        assert subscale.items.count() == 3 and subscale.min_answered == 2
    assert youth.items.filter(reverse=True).values("subscale").distinct().count() >= 3
    assert youth.items.exclude(young_text_nl="").exists()
    guardian = Instrument.objects.get(key="koppel-outcomes-guardian", organisation=None)
    assert guardian.respondents == ["guardian"]
    assert not guardian.subscales.filter(sensitive=True).exists()
    assert set(guardian.subscales.values_list("domain", flat=True)) == {
        "school",
        "parents",
        "emotional_support",
        "helping",
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("key", "respondent"), [("koppel-relationship-youth", "youth"), ("koppel-relationship-mentor", "mentor")]
)
def test_shipped_relationship_instruments_have_thresholds__OUT_4(key, respondent):
    instrument = Instrument.objects.get(key=key, organisation=None)
    assert instrument.respondents == [respondent] and instrument.kind == "relationship"
    subscales = list(instrument.subscales.all())
    assert [s.key for s in subscales] == ["trust", "closeness", "satisfaction", "youth-centred"]
    assert [s.domain for s in subscales] == list(RELATIONSHIP_DOMAINS)
    for s in subscales:
        assert (s.threshold, s.drop) == (3.0, 1.0)
        assert 2 <= s.items.count() <= 3
        assert {i.scale for i in s.items.all()} == {"agree5"}


def test_switching_an_organisation_instrument_off_and_on(organisation):
    user = f.UserFactory()
    instrument = load_instrument(DEFINITION, organisation=organisation, by=None)
    set_instrument_active(instrument, active=False, by=user)
    instrument.refresh_from_db()
    assert instrument.active is False
    with pytest.raises(DomainError):
        set_instrument_active(instrument, active=False, by=user)
    set_instrument_active(instrument, active=True, by=user)
    assert ActivityLog.objects.filter(action__startswith="surveys.instrument.", actor=user).count() == 2
    shipped = Instrument.objects.filter(organisation=None).first()
    with pytest.raises(DomainError):
        set_instrument_active(shipped, active=False, by=user)


def test_load_instrument_command(organisation, tmp_path, capsys):
    path = tmp_path / "wellbeing.toml"
    path.write_text(DEFINITION, encoding="utf-8")
    call_command("load_instrument", str(path), "--organisation", organisation.slug, "--dry-run")
    assert not Instrument.objects.filter(key="test-wellbeing").exists()
    call_command("load_instrument", str(path), "--organisation", organisation.slug)
    assert Instrument.objects.get(key="test-wellbeing").organisation == organisation
    call_command("load_instrument", str(path), "--organisation", organisation.slug)
    assert "unchanged" in capsys.readouterr().out
    path.write_text(DEFINITION.replace('scale = "agree5"', 'scale = "nope"', 1), encoding="utf-8")
    with pytest.raises(CommandError, match="scale 'nope' is not defined"):
        call_command("load_instrument", str(path), "--organisation", organisation.slug)
    with pytest.raises(CommandError, match="no organisation"):
        call_command("load_instrument", str(path), "--organisation", "nobody")


@pytest.mark.parametrize(
    "hostile",
    [
        "x = " + "[" * 5000 + "]" * 5000,
        "x = " + "{a = " * 3000 + "1" + "}" * 3000,
        "a" + ".a" * 3000 + " = 1",
        "x = " + "[" * 20 + "]" * 20,
        "x = 1" + "0" * 5000,
    ],
    ids=["deep arrays", "deep inline tables", "deep dotted keys", "nesting past the limit", "huge number"],
)
def test_a_deeply_nested_definition_or_a_huge_number_is_refused_with_a_clear_message(hostile):
    with pytest.raises(DomainError, match="nests tables or lists too deeply"):
        check_definition(DEFINITION + "\n" + hostile + "\n" if hostile.startswith("x") else hostile)
