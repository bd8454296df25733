"""The coordinator's worklist: what needs their action, most urgent first, across their programmes.

Each area lists its sections in its own module here (`<area>.py`, a SECTIONS list of `Spec`s, see
spec.py); ALL_SECTIONS is their order on the page. The views are in koppel/staff/views/worklist.py.
"""

from koppel.staff.worklist import agreement, closure, concerns, meetings, privacy, screening, support, surveys
from koppel.staff.worklist.spec import Spec

# Safeguarding first (concerns), then the matches that need the coordinator, then the rest.
ALL_SECTIONS: list[Spec] = [
    *concerns.SECTIONS,
    *agreement.SECTIONS,
    *meetings.SECTIONS,
    *support.SECTIONS,
    *surveys.SECTIONS,
    *closure.SECTIONS,
    *privacy.SECTIONS,
    *screening.SECTIONS,
]


SPECS: dict[str, Spec] = {spec.key: spec for spec in ALL_SECTIONS}
