from koppel.people.models.intake import Intake
from koppel.people.models.people import Guardian, Guardianship, Interest, Mentor, Youth
from koppel.people.models.recruitment import Campaign, RepeatApplication
from koppel.people.models.screening import (
    ConductCertificate,
    Interview,
    PipelineEvent,
    Reference,
    SelfDisclosure,
)

__all__ = [
    "Campaign",
    "ConductCertificate",
    "Guardian",
    "Guardianship",
    "Intake",
    "Interest",
    "Interview",
    "Mentor",
    "PipelineEvent",
    "Reference",
    "RepeatApplication",
    "SelfDisclosure",
    "Youth",
]
