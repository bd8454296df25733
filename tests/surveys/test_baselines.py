"""The baseline each later score is compared with is copied onto the score (OUT-1, OUT-3)."""

from datetime import date

import pytest

from koppel.surveys.domain.baselines import refresh_baselines
from koppel.surveys.enums import Moment, OutcomeDomain, Respondent
from koppel.surveys.models import Score
from tests.factories import YouthFactory
from tests.factories.survey import SubscaleFactory, submitted_score


@pytest.mark.django_db
def test_later_score_carries_the_latest_earlier_baseline_of_the_same_domain_and_respondent__OUT_1():
    youth = YouthFactory()
    school = SubscaleFactory(domain=OutcomeDomain.SCHOOL)
    parents = SubscaleFactory(domain=OutcomeDomain.PARENTS)
    submitted_score(youth, school, moment=Moment.BASELINE, value=2.0, submitted_on=date(2025, 1, 10))
    submitted_score(youth, school, moment=Moment.BASELINE, value=2.5, submitted_on=date(2025, 2, 10))
    submitted_score(youth, parents, moment=Moment.BASELINE, value=4.0, submitted_on=date(2025, 2, 10))
    later = submitted_score(
        youth, school, moment=Moment.DURING, months=12, value=3.5, submitted_on=date(2026, 2, 1)
    )
    # A baseline submitted after the later score is not its baseline.
    submitted_score(youth, school, moment=Moment.BASELINE, value=1.0, submitted_on=date(2026, 3, 1))
    later.refresh_from_db()
    assert later.baseline == 2.5


@pytest.mark.django_db
def test_a_late_baseline_reaches_scores_written_before_it__OUT_1():
    youth = YouthFactory()
    school = SubscaleFactory(domain=OutcomeDomain.SCHOOL)
    closure = submitted_score(youth, school, moment=Moment.CLOSURE, value=4.0, submitted_on=date(2026, 5, 1))
    assert Score.objects.get(pk=closure.pk).baseline is None
    submitted_score(youth, school, moment=Moment.BASELINE, value=3.0, submitted_on=date(2025, 5, 1))
    assert Score.objects.get(pk=closure.pk).baseline == 3.0


@pytest.mark.django_db
def test_guardian_scores_pair_with_guardian_baselines_only__OUT_1():
    from tests.factories import GuardianFactory

    youth = YouthFactory()
    guardian = GuardianFactory()
    school = SubscaleFactory(domain=OutcomeDomain.SCHOOL)
    submitted_score(youth, school, moment=Moment.BASELINE, value=2.0, submitted_on=date(2025, 1, 10))
    later = submitted_score(
        youth,
        school,
        moment=Moment.CLOSURE,
        value=4.0,
        submitted_on=date(2026, 1, 10),
        respondent=Respondent.GUARDIAN,
        guardian=guardian,
    )
    assert Score.objects.get(pk=later.pk).baseline is None
    assert refresh_baselines([]) == 0


@pytest.mark.django_db
def test_a_guardian_pairs_with_their_own_baseline_not_the_other_guardians__OUT_1():
    from tests.factories import GuardianFactory

    youth = YouthFactory()
    mother, father = GuardianFactory(), GuardianFactory()
    school = SubscaleFactory(domain=OutcomeDomain.SCHOOL)
    kind = {"respondent": Respondent.GUARDIAN}
    submitted_score(
        youth,
        school,
        moment=Moment.BASELINE,
        value=2.0,
        submitted_on=date(2025, 1, 10),
        guardian=mother,
        **kind,
    )
    submitted_score(
        youth,
        school,
        moment=Moment.BASELINE,
        value=4.0,
        submitted_on=date(2025, 1, 12),
        guardian=father,
        **kind,
    )
    later = submitted_score(
        youth,
        school,
        moment=Moment.CLOSURE,
        value=3.0,
        submitted_on=date(2026, 1, 10),
        guardian=mother,
        **kind,
    )
    assert Score.objects.get(pk=later.pk).baseline == 2.0


@pytest.mark.django_db
def test_another_instrument_in_the_same_domain_is_not_a_baseline__OUT_1():
    youth = YouthFactory()
    ours = SubscaleFactory(domain=OutcomeDomain.SCHOOL, key="school")
    licensed = SubscaleFactory(domain=OutcomeDomain.SCHOOL, key="school")  # another instrument, same keys
    submitted_score(youth, licensed, moment=Moment.BASELINE, value=30.0, submitted_on=date(2025, 1, 10))
    later = submitted_score(youth, ours, moment=Moment.CLOSURE, value=3.0, submitted_on=date(2026, 1, 10))
    assert Score.objects.get(pk=later.pk).baseline is None
