from koppel.surveys.models.instruments import Instrument, Item, Subscale
from koppel.surveys.models.responses import (
    Answer,
    Assignment,
    QualityAlert,
    Score,
    answer_columns,
    given_answers,
)
from koppel.surveys.models.schedules import SurveySchedule

__all__ = [
    "Answer",
    "Assignment",
    "Instrument",
    "Item",
    "QualityAlert",
    "Score",
    "Subscale",
    "SurveySchedule",
    "answer_columns",
    "given_answers",
]
