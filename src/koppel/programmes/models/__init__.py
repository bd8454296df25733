from koppel.programmes.models.programme import (
    Administrator,
    Coordinator,
    Organisation,
    Programme,
    ProgrammeSettings,
)

__all__ = ["Administrator", "Coordinator", "Organisation", "Programme", "ProgrammeSettings"]
