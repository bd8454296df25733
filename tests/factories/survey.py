"""factory_boy factories for survey instruments, schedules, assignments, answers and scores.

`small_instrument()` builds a three-item relationship instrument with a threshold (OUT-4) and a
reverse-scored item; area tests add their own factories below rather than editing these."""

from datetime import date, timedelta

import factory
from django.utils import timezone

from koppel.surveys.domain.baselines import pair_key, refresh_baselines
from koppel.surveys.enums import AssignmentStatus, InstrumentKind, Moment, OutcomeDomain, Respondent
from koppel.surveys.models import Answer, Assignment, Instrument, Item, Score, Subscale, SurveySchedule
from tests.factories import ProgrammeFactory, YouthFactory

AGREE5 = {
    "agree5": {
        "min": 1,
        "max": 5,
        "options": [
            {"value": 1, "nl": "Helemaal niet mee eens", "en": "Strongly disagree"},
            {"value": 2, "nl": "Niet mee eens", "en": "Disagree"},
            {"value": 3, "nl": "Neutraal", "en": "Neutral"},
            {"value": 4, "nl": "Mee eens", "en": "Agree"},
            {"value": 5, "nl": "Helemaal mee eens", "en": "Strongly agree"},
        ],
    }
}


class InstrumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Instrument

    organisation = None
    key = factory.Sequence(lambda n: f"test-instrument-{n}")
    kind = InstrumentKind.RELATIONSHIP
    name_nl = factory.Sequence(lambda n: f"Testvragenlijst {n}")
    name_en = factory.Sequence(lambda n: f"Test questionnaire {n}")
    respondents = factory.LazyFunction(lambda: ["youth", "mentor"])
    scales = factory.LazyFunction(lambda: dict(AGREE5))
    redistributable = True


class SubscaleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscale

    instrument = factory.SubFactory(InstrumentFactory)
    key = factory.Sequence(lambda n: f"subscale-{n}")
    name_nl = "Vertrouwen"
    name_en = "Trust"
    domain = OutcomeDomain.TRUST
    min_answered = 2


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Item

    instrument = factory.SelfAttribute("subscale.instrument")
    subscale = factory.SubFactory(SubscaleFactory)
    key = factory.Sequence(lambda n: f"item-{n}")
    position = factory.Sequence(int)
    scale = "agree5"
    text_nl = factory.Sequence(lambda n: f"Vraag {n}")
    text_en = factory.Sequence(lambda n: f"Question {n}")


def small_instrument(*, domain=OutcomeDomain.TRUST, threshold=3.0, drop=1.0, sensitive=False, **kwargs):
    """Three items on a 1-5 scale in one subscale (mean, at least 2 answered); item 3 reverse-scored."""
    kind = (
        InstrumentKind.OUTCOMES
        if domain not in ("trust", "closeness", "satisfaction", "youth_centred")
        else None
    )
    instrument = InstrumentFactory(**({"kind": kind} if kind else {}), **kwargs)
    subscale = SubscaleFactory(
        instrument=instrument, domain=domain, threshold=threshold, drop=drop, sensitive=sensitive
    )
    for n in range(1, 4):
        ItemFactory(subscale=subscale, key=f"q{n}", position=n, reverse=(n == 3), sensitive=sensitive)
    return instrument


class ScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SurveySchedule

    programme = factory.SubFactory(ProgrammeFactory)
    instrument = factory.LazyFunction(small_instrument)
    respondent = Respondent.YOUTH
    moment = Moment.BASELINE
    months = None


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    youth = factory.SubFactory(YouthFactory)
    programme = factory.SelfAttribute("youth.programme")
    instrument = factory.LazyFunction(small_instrument)
    respondent = Respondent.YOUTH
    moment = Moment.BASELINE
    due_on = factory.LazyFunction(date.today)
    closes_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
    status = AssignmentStatus.OPEN
    language = "nl"
    key = factory.Sequence(lambda n: f"test-assignment-{n}")

    @factory.lazy_attribute
    def submitted_at(self):
        return timezone.now() if self.status == AssignmentStatus.SUBMITTED else None


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Answer

    assignment = factory.SubFactory(AssignmentFactory)
    item = factory.LazyAttribute(lambda o: o.assignment.instrument.items.first())
    value = 3


class ScoreFactory(factory.django.DjangoModelFactory):
    """A score whose copied facts follow its assignment (pass `assignment=`)."""

    class Meta:
        model = Score
        skip_postgeneration_save = True

    assignment = factory.SubFactory(AssignmentFactory, status=AssignmentStatus.SUBMITTED)
    subscale = factory.LazyAttribute(lambda o: o.assignment.instrument.subscales.first())
    value = 3.0
    answered = 3
    items = 3
    programme = factory.SelfAttribute("assignment.programme")
    youth = factory.SelfAttribute("assignment.youth")
    match = factory.SelfAttribute("assignment.match")
    respondent = factory.SelfAttribute("assignment.respondent")
    moment = factory.SelfAttribute("assignment.moment")
    months = factory.SelfAttribute("assignment.months")
    domain = factory.LazyAttribute(lambda o: o.subscale.domain)
    submitted_on = factory.LazyFunction(date.today)
    pair_key = factory.LazyAttribute(
        lambda o: pair_key(
            instrument_key=o.subscale.instrument.key,
            subscale_key=o.subscale.key,
            respondent=o.assignment.respondent,
            person_id=o.assignment.mentor_id or o.assignment.guardian_id,
        )
    )

    @factory.post_generation
    def baselines(obj, create, extracted, **kwargs):
        # As compute_scores does: the paired baseline is copied onto the youth's later scores.
        if create:
            refresh_baselines([obj.youth_id])
            obj.refresh_from_db(fields=["baseline"])


def submitted_score(
    youth,
    subscale,
    *,
    moment,
    value,
    submitted_on,
    months=None,
    match=None,
    respondent=Respondent.YOUTH,
    guardian=None,
    mentor=None,
):
    """One submitted assignment of `subscale`'s instrument about `youth` with one score (the
    outcomes report's tests). A guardian or mentor respondent needs `guardian=`/`mentor=`."""
    assignment = AssignmentFactory(
        youth=youth,
        programme=youth.programme,
        instrument=subscale.instrument,
        respondent=respondent,
        guardian=guardian,
        mentor=mentor,
        moment=moment,
        months=months,
        match=match,
        status=AssignmentStatus.SUBMITTED,
        due_on=submitted_on,
        closes_on=submitted_on + timedelta(days=30),
    )
    return ScoreFactory(assignment=assignment, subscale=subscale, value=value, submitted_on=submitted_on)
