"""The data step of migration surveys 0003 writes the same pair_key as the scoring code, and pairs
the baselines by it (so existing scores join the outcomes report after the upgrade)."""

import importlib
from datetime import date

import pytest
from django.apps import apps

from koppel.surveys.enums import Moment, Respondent
from koppel.surveys.models import Score
from tests.factories import GuardianFactory, YouthFactory
from tests.factories.survey import SubscaleFactory, submitted_score

migration = importlib.import_module("koppel.surveys.migrations.0003_score_pair_key")


@pytest.mark.django_db
def test_the_migration_writes_the_pair_key_of_the_scoring_code_and_pairs_baselines():
    youth, guardian = YouthFactory(), GuardianFactory()
    school = SubscaleFactory()
    submitted_score(youth, school, moment=Moment.BASELINE, value=2.0, submitted_on=date(2025, 1, 1))
    later = submitted_score(youth, school, moment=Moment.CLOSURE, value=4.0, submitted_on=date(2026, 1, 1))
    by_guardian = submitted_score(
        youth,
        school,
        moment=Moment.CLOSURE,
        value=3.0,
        submitted_on=date(2026, 1, 1),
        respondent=Respondent.GUARDIAN,
        guardian=guardian,
    )
    expected = dict(Score.objects.values_list("id", "pair_key"))
    Score.objects.update(pair_key="", baseline=None)

    migration.fill_pair_keys(apps, None)

    assert dict(Score.objects.values_list("id", "pair_key")) == expected
    assert expected[by_guardian.pk].endswith(f"/guardian/{guardian.pk}")
    assert Score.objects.get(pk=later.pk).baseline == 2.0
    assert Score.objects.get(pk=by_guardian.pk).baseline is None
