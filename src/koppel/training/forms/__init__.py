from koppel.training.forms.training import (
    AttendanceForm,
    ExternalHoursForm,
    PeerGroupForm,
    PeerSessionForm,
    RegistrationForm,
    SessionForm,
)

__all__ = [
    "AttendanceForm",
    "ExternalHoursForm",
    "PeerGroupForm",
    "PeerSessionForm",
    "RegistrationForm",
    "SessionForm",
]
