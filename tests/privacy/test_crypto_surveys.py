"""Answers to sensitive survey items (alcohol, drugs, delinquency: special categories) are stored
encrypted; the scores stay plain, so scoring, the outcomes report and the staff survey page give
the same figures as before."""

from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from koppel.reports.domain.outcomes import DURING_12, build_outcomes
from koppel.reports.domain.period import ReportFilter
from koppel.surveys.domain.instruments import install_shipped_instruments
from koppel.surveys.domain.responses import answers_of, save_answer, save_answers, submit_assignment
from koppel.surveys.enums import Moment, OutcomeDomain, Respondent
from koppel.surveys.models import Answer, Instrument, Score
from tests import factories as f
from tests.factories.survey import AnswerFactory, AssignmentFactory, small_instrument
from tests.privacy.crypto_helpers import KEY_A, is_token_under, raw_column

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def keys(settings):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    return settings


@pytest.fixture
def outcomes_youth(db):
    install_shipped_instruments()
    return Instrument.objects.get(key="koppel-outcomes-youth", organisation=None)


def test_the_shipped_special_category_items_are_the_sensitive_ones(outcomes_youth):
    sensitive = set(outcomes_youth.items.filter(sensitive=True).values_list("key", flat=True))
    assert sensitive == {
        "substances-1",
        "substances-2",
        "substances-3",
        "delinquency-1",
        "delinquency-2",
        "delinquency-3",
    }


def test_a_sensitive_answer_is_a_token_in_the_database_and_a_number_in_python(keys, outcomes_youth):
    assignment = AssignmentFactory(instrument=outcomes_youth)
    drugs = outcomes_youth.items.get(key="substances-3")
    school = outcomes_youth.items.get(key="school-1")
    save_answers(assignment, values={drugs.pk: 5, school.pk: 4})

    sealed = Answer.objects.get(assignment=assignment, item=drugs)
    assert raw_column(sealed, "value") is None
    assert is_token_under(raw_column(sealed, "sealed_value"), KEY_A)
    assert sealed.given == 5
    plain = Answer.objects.get(assignment=assignment, item=school)
    assert raw_column(plain, "value") == 4 and raw_column(plain, "sealed_value") == ""
    assert answers_of(assignment) == {drugs.pk: 5, school.pk: 4}

    # Changed later: still sealed, the new value read back.
    save_answer(assignment, item=drugs, value=2)
    sealed.refresh_from_db()
    assert sealed.value is None and sealed.given == 2


def test_every_path_seals_a_sensitive_answer(keys):
    instrument = small_instrument(domain=OutcomeDomain.DELINQUENCY, threshold=None, drop=None, sensitive=True)
    answer = AnswerFactory(assignment=AssignmentFactory(instrument=instrument), value=3)
    assert raw_column(answer, "value") is None
    assert is_token_under(raw_column(answer, "sealed_value"), KEY_A)


def test_an_answer_is_stored_exactly_once(keys):
    answer = AnswerFactory(value=3)
    with pytest.raises(IntegrityError):
        Answer.objects.filter(pk=answer.pk).update(value=None)


def _answer_and_submit(youth, instrument, *, moment, months=None, match=None, substances, school):
    assignment = AssignmentFactory(
        youth=youth,
        programme=youth.programme,
        instrument=instrument,
        moment=moment,
        months=months,
        match=match,
        respondent=Respondent.YOUTH,
    )
    items = {i.key: i.pk for i in instrument.items.all()}
    values = {items[f"substances-{n}"]: v for n, v in enumerate(substances, 1)}
    values |= {items[f"school-{n}"]: v for n, v in enumerate(school, 1)}
    save_answers(assignment, values=values)
    return submit_assignment(assignment)


def test_scores_and_the_outcomes_report_are_what_the_plain_answers_give(keys, outcomes_youth):
    programme = f.ProgrammeFactory()
    youth = f.YouthFactory(programme=programme)
    match = f.MatchFactory(youth=youth, started_on=TODAY - timedelta(days=400))
    # Substance use, lower is better: 5, 4, 3 at baseline (mean 4.0), 3, 1, 2 a year on (mean 2.0).
    _answer_and_submit(youth, outcomes_youth, moment=Moment.BASELINE, substances=[5, 4, 3], school=[2, 3, 3])
    later = _answer_and_submit(
        youth,
        outcomes_youth,
        moment=Moment.DURING,
        months=12,
        match=match,
        substances=[3, 1, 2],
        school=[4, 4, 5],
    )
    assert Answer.objects.filter(assignment=later, value__isnull=True).count() == 3

    scores = {s.subscale.key: s for s in Score.objects.filter(assignment=later).select_related("subscale")}
    assert scores["substances"].value == pytest.approx(2.0)
    assert scores["substances"].baseline == pytest.approx(4.0)
    assert scores["substances"].answered == 3

    report = build_outcomes(
        ReportFilter(programme_ids=(programme.pk,), start=TODAY - timedelta(days=30), end=TODAY, min_group=1),
        today=TODAY,
    )
    (row,) = [
        r
        for r in report.changes
        if r.moment == DURING_12 and r.domain == OutcomeDomain.SUBSTANCES and r.respondent == Respondent.YOUTH
    ]
    assert row.total.n == 1
    assert row.total.baseline == pytest.approx(4.0)
    assert row.total.later == pytest.approx(2.0)
    assert row.total.change == pytest.approx(-2.0)


def test_the_staff_survey_page_shows_the_decrypted_answer(keys, outcomes_youth, cast, client_for):
    assignment = AssignmentFactory(youth=cast.youth_row, programme=cast.programme, instrument=outcomes_youth)
    drugs = outcomes_youth.items.get(key="substances-3")
    save_answers(assignment, values={drugs.pk: 5})
    page = client_for(cast.coordinator).get(reverse("staff:survey_detail", args=[assignment.pk]))
    assert page.status_code == 200
    (row,) = [r for r in page.context["rows"] if r["item"].pk == drugs.pk]
    assert row["value"] == 5
    assert row["label"] == "Meer dan 10 keer" or row["label"] == "More than 10 times"


def test_the_demo_seals_its_sensitive_answers_and_scores_them_as_submitting_would(settings):
    """The demo writes answers in bulk: on that path too a sensitive answer is sealed, and the
    scores it writes are those compute_scores gives from the sealed answers."""
    from koppel.demo.load import load_demo
    from koppel.surveys.domain.scoring import compute_scores

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    assert load_demo() is True
    sensitive = Answer.objects.filter(item__sensitive=True)
    assert sensitive.exists()
    assert not sensitive.filter(value__isnull=False).exists()
    sample = sensitive.select_related("assignment").first()
    assert raw_column(sample, "value") is None
    assert raw_column(sample, "sealed_value").startswith("gAAAAA")  # a Fernet token

    assignment = sample.assignment
    stored = dict(Score.objects.filter(assignment=assignment).values_list("subscale__key", "value"))
    recomputed = {s.subscale.key: s.value for s in compute_scores(assignment)}
    assert recomputed == pytest.approx(stored)
