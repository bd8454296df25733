"""Demo surveys: the default schedules for the demo programmes, and the surveys those
schedules would have sent so far, most of them answered.

Answers follow a plausible story: youth outcomes improve a little over the match (and hold at the
follow-up, OUT-2), relationship quality is good on both sides (OUT-4), except for one match whose
mentor answers low, so a quality alert waits on the coordinator's worklist. The surveys still in
their window stay open; the demo youth and the demo mentor each have one waiting in their portal.
Scores are computed by the real submission (`submit_assignment`), then dated back to when they
would have been sent in. Deterministic: one seeded random generator.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from koppel.common.domain.audit import log_actions_bulk
from koppel.programmes.models import Programme
from koppel.surveys.domain.baselines import pair_key, refresh_baselines
from koppel.surveys.domain.delivery import assignments_for, due_for
from koppel.surveys.domain.instruments import install_shipped_instruments
from koppel.surveys.domain.responses import submit_assignment
from koppel.surveys.domain.schedules import ensure_default_schedules
from koppel.surveys.domain.scoring import score_subscale
from koppel.surveys.enums import AssignmentStatus, Moment, Respondent
from koppel.surveys.models import Answer, Assignment, Item, Score, SurveySchedule, answer_columns

SEED = 6
HISTORY = timedelta(days=3 * 365)
# How much better (on a 1-5 scale) a youth's outcome answers are at each moment than at baseline.
IMPROVEMENT: dict[str, float] = {
    Moment.BASELINE: 0.0,
    Moment.DURING: 0.35,
    Moment.CLOSURE: 0.45,
    Moment.FOLLOW_UP: 0.4,
}


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


class DemoSurveys:
    def __init__(self, today: date, *, youth_user, mentor_user):
        self.today = today
        self.rng = random.Random(SEED)
        self.youth_user = youth_user
        self.mentor_user = mentor_user
        self.level: dict[tuple, float] = {}

    # --- answers --------------------------------------------------------------------------------

    def _youth_level(self, youth_id: int, domain: str) -> float:
        key = ("y", youth_id, domain)
        if key not in self.level:
            self.level[key] = self.rng.uniform(2.2, 3.6)
        return self.level[key]

    def _relationship_level(self, assignment: Assignment) -> float:
        key = ("r", assignment.match_id, assignment.respondent, assignment.mentor_id)
        if key not in self.level:
            self.level[key] = self.rng.uniform(4.0, 4.7)
        return self.level[key]

    def answers(self, assignment: Assignment, items: list[Item], *, low: bool) -> list[Answer]:
        scales = assignment.instrument.scales
        found = []
        for item in items:
            scale = scales[item.scale]
            lowest, highest = scale["min"], scale["max"]
            subscale = item.subscale
            if subscale is None:
                continue
            if assignment.instrument.kind == "relationship":
                level = 1.8 if low else self._relationship_level(assignment)
                noise = self.rng.choice([0, 0, 0, -0.5])
            else:
                level = (
                    self._youth_level(assignment.youth_id, subscale.domain) + IMPROVEMENT[assignment.moment]
                )
                noise = self.rng.uniform(-0.7, 0.7)
            # `level` is how well things go on 1-5; map it onto the item's own scale and direction.
            good = lowest + (level + noise - 1) / 4 * (highest - lowest)
            counted = good if subscale.higher_is_better else lowest + highest - good
            value = min(highest, max(lowest, round(counted)))
            if item.reverse:
                value = lowest + highest - value
            if self.rng.random() < 0.03:
                continue  # now and then a question is skipped
            found.append(Answer(assignment=assignment, item=item, **answer_columns(item, value)))
        return found

    # --- the run --------------------------------------------------------------------------------

    def run(self, programmes: list[Programme]) -> None:
        install_shipped_instruments()
        for programme in programmes:
            ensure_default_schedules(programme, by=None)
        schedules = list(
            SurveySchedule.objects.filter(programme__in=programmes, active=True)
            .select_related("instrument")
            .order_by("id")
        )
        planned: list[Assignment] = []
        for schedule in schedules:
            for due in due_for(schedule, today=self.today, since=self.today - HISTORY):
                planned.extend(assignments_for(schedule, due))
        planned.sort(key=_order)
        keep_open = self._keep_open(planned)
        low = self._low_relationship(planned, keep_open)
        submitted: list[Assignment] = []
        for assignment in planned:
            if assignment.key in keep_open:
                assignment.closes_on = max(assignment.closes_on, self.today + timedelta(days=14))
            elif assignment.closes_on >= self.today and assignment.key != low:
                pass  # still in its window: open, waiting for the respondent
            elif self.rng.random() < 0.1 and assignment.key != low:
                assignment.status = AssignmentStatus.EXPIRED
            else:
                day = min(
                    self.today - timedelta(days=1), assignment.due_on + timedelta(days=self.rng.randint(0, 9))
                )
                assignment.status = AssignmentStatus.SUBMITTED
                assignment.started_at = _at(day, 19)
                assignment.submitted_at = _at(day, 20)
                submitted.append(assignment)
        low_assignment = next((a for a in submitted if a.key == low), None)
        if low_assignment is not None:
            # Sent in for real below, through submit_assignment, so that its alert is raised (OUT-4).
            real_closes = low_assignment.closes_on
            low_assignment.status = AssignmentStatus.STARTED
            low_assignment.submitted_at = None
            low_assignment.closes_on = self.today
            submitted.remove(low_assignment)
        Assignment.objects.bulk_create(planned)
        saved = {a.key: a for a in Assignment.objects.filter(key__in=[a.key for a in planned])}
        items_of: dict[int, list[Item]] = {}
        for item in (
            Item.objects.filter(instrument_id__in={a.instrument_id for a in planned})
            .select_related("subscale")
            .order_by("position", "id")
        ):
            items_of.setdefault(item.instrument_id, []).append(item)
        answers: list[Answer] = []
        scores: list[Score] = []
        for assignment in [*submitted, *([low_assignment] if low_assignment else [])]:
            row = saved[assignment.key]
            row.instrument = assignment.instrument
            given = self.answers(row, items_of[row.instrument_id], low=assignment.key == low)
            answers.extend(given)
            if assignment is not low_assignment:
                scores.extend(self._scores(row, items_of[row.instrument_id], given))
        Answer.objects.bulk_create(answers)
        Score.objects.bulk_create(scores)
        log_actions_bulk(
            [saved[a.key] for a in submitted], "surveys.assignment.submitted", by=None, fields=["status"]
        )
        if low_assignment is not None:
            row = saved[low_assignment.key]
            row.instrument = low_assignment.instrument
            submit_assignment(row, by=None)
            day = min(self.today - timedelta(days=1), low_assignment.due_on + timedelta(days=3))
            Assignment.objects.filter(pk=row.pk).update(
                closes_on=real_closes, started_at=_at(day, 19), submitted_at=_at(day, 20)
            )
            Score.objects.filter(assignment_id=row.pk).update(submitted_on=day)
        # The paired baseline on every later score, as compute_scores writes it (OUT-1, OUT-3).
        refresh_baselines({a.youth_id for a in planned})

    def _scores(self, assignment: Assignment, items: list[Item], answers: list[Answer]) -> list[Score]:
        """The scores submit_assignment would compute (same rules: scoring.score_subscale), in bulk:
        submitting two hundred demo surveys one by one would slow `koppel demo` down too much."""
        given = {a.item_id: a.given for a in answers}
        scales = assignment.instrument.scales
        by_subscale: dict[int, list[Item]] = {}
        for item in items:
            if item.subscale_id is not None:
                by_subscale.setdefault(item.subscale_id, []).append(item)
        found = []
        for subscale_items in by_subscale.values():
            subscale = subscale_items[0].subscale
            if subscale is None:
                continue
            scale = scales[subscale_items[0].scale]
            values = [given.get(item.pk) for item in subscale_items]
            found.append(
                Score(
                    assignment=assignment,
                    subscale=subscale,
                    value=score_subscale(
                        values,
                        method=subscale.method,
                        minimum=scale["min"],
                        maximum=scale["max"],
                        reverse_flags=[item.reverse for item in subscale_items],
                        min_answered=subscale.min_answered,
                    ),
                    answered=sum(v is not None for v in values),
                    items=len(values),
                    programme_id=assignment.programme_id,
                    youth_id=assignment.youth_id,
                    match_id=assignment.match_id,
                    respondent=assignment.respondent,
                    moment=assignment.moment,
                    months=assignment.months,
                    domain=subscale.domain,
                    submitted_on=timezone.localdate(assignment.submitted_at),
                    pair_key=pair_key(
                        instrument_key=assignment.instrument.key,
                        subscale_key=subscale.key,
                        respondent=assignment.respondent,
                        person_id=assignment.mentor_id or assignment.guardian_id,
                    ),
                )
            )
        return found

    def _keep_open(self, planned: list[Assignment]) -> set[str]:
        """The newest survey of the demo youth and of the demo mentor stays open for them."""
        keys: set[str] = set()
        for person_filter in (
            lambda a: (
                a.respondent == Respondent.YOUTH and a.youth.user_id == getattr(self.youth_user, "pk", None)
            ),
            lambda a: (
                a.respondent == Respondent.MENTOR
                and a.mentor is not None
                and a.mentor.user_id == getattr(self.mentor_user, "pk", None)
            ),
        ):
            own = [a for a in planned if person_filter(a)]
            if own:
                keys.add(max(own, key=_order).key)
        return keys

    def _low_relationship(self, planned: list[Assignment], keep_open: set[str]) -> str:
        """One mentor of an active match answers low on their newest relationship survey (OUT-4)."""
        mentor_user_id = getattr(self.mentor_user, "pk", None)
        candidates = [
            a
            for a in planned
            if a.respondent == Respondent.MENTOR
            and a.key not in keep_open
            and a.closes_on < self.today
            and a.match is not None
            and a.match.state == "active"
            and a.mentor is not None
            and a.mentor.user_id != mentor_user_id
            and a.months == 6
        ]
        return candidates[-1].key if candidates else ""


def _order(a: Assignment) -> tuple:
    """The order the demo walks its surveys in: by day, then by the rows they belong to in the order
    those were created. Ids compare as numbers, never as text: on PostgreSQL a test database's ids
    depend on what ran before, and "y10" sorts before "y9" as text, which would change the demo."""
    return (
        a.due_on,
        a.schedule_id,
        a.youth_id,
        a.match_id or 0,
        a.moment,
        a.respondent,
        a.mentor_id or 0,
        a.guardian_id or 0,
    )


def load_surveys(programmes: list[Programme], *, today: date, youth_user=None, mentor_user=None) -> None:
    """Schedules, surveys and answers for the demo programmes (see the module's docstring)."""
    DemoSurveys(today, youth_user=youth_user, mentor_user=mentor_user).run(programmes)
