"""factory_boy factories for Koppel's models, one module per area.

The everyday cast (users, organisations, programmes, staff roles, mentors, youth, guardians and
matches) is defined in `core.py` and importable from here: `from tests import factories as f`,
`f.MentorFactory(...)`. Area factories live in their own modules: `tests.factories.agreement`,
`.closure`, `.concern`, `.intake`, `.matching`, `.meeting`, `.recruitment`, `.retention`,
`.screening`, `.support`, `.survey`, `.training`."""

from tests.factories.core import (
    PASSWORD,
    AdministratorFactory,
    CoordinatorFactory,
    GuardianFactory,
    GuardianshipFactory,
    MatchFactory,
    MentorFactory,
    OrganisationFactory,
    PersonFactory,
    ProgrammeFactory,
    ProgrammeSettingsFactory,
    UserFactory,
    YouthFactory,
)

__all__ = [
    "PASSWORD",
    "AdministratorFactory",
    "CoordinatorFactory",
    "GuardianFactory",
    "GuardianshipFactory",
    "MatchFactory",
    "MentorFactory",
    "OrganisationFactory",
    "PersonFactory",
    "ProgrammeFactory",
    "ProgrammeSettingsFactory",
    "UserFactory",
    "YouthFactory",
]
