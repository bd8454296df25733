from koppel.surveys.models.instruments import Instrument, Item, Subscale
from koppel.surveys.models.responses import Answer, Assignment, QualityAlert, Score
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
]
