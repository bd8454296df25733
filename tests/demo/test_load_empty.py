"""`koppel demo` on a database without the demo: what the migrations seed, and a database that
already has an organisation (the demo's own tests share one loaded demo, in test_load.py)."""

import pytest

from koppel.demo.load import load_demo
from koppel.people.models import Interest, Mentor
from koppel.programmes.models import Organisation, Programme

pytestmark = pytest.mark.django_db


def test_interests_are_seeded_by_the_migration():
    assert Interest.objects.count() >= 25
    football = Interest.objects.get(slug="voetbal")
    assert (football.name_nl, football.name_en) == ("voetbal", "football")


def test_loads_nothing_when_an_organisation_exists():
    Organisation.objects.create(name="Al bestaand", slug="al-bestaand")
    assert load_demo() is False
    assert not Programme.objects.exists()
    assert not Mentor.objects.exists()
