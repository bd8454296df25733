"""State changes of programmes and their settings. Each is audited."""

from django.db import transaction

from koppel.accounts.models import User
from koppel.common.domain.audit import log_action
from koppel.common.domain.versioning import save_versioned, save_versioned_and_log
from koppel.programmes.enums import ProgrammeKind
from koppel.programmes.models import Organisation, Programme, ProgrammeSettings


@transaction.atomic
def create_programme(organisation: Organisation, *, by: User, values: dict) -> Programme:
    """Create a programme with settings pre-filled with the practice rules' defaults.

    Side effects: a ProgrammeSettings row (REL-4's holiday expectations on for school-based
    programmes) and an activity-log entry.
    """
    programme = Programme.objects.create(organisation=organisation, **values)
    ensure_programme_settings(programme)
    log_action(programme, "programmes.programme.created", by=by, fields=values.keys())
    return programme


def ensure_programme_settings(programme: Programme) -> ProgrammeSettings:
    """The programme's settings, created with the factsheet's defaults when it has none yet."""
    programme_settings, _ = ProgrammeSettings.objects.get_or_create(
        programme=programme,
        defaults={"holiday_expectations_required": programme.kind == ProgrammeKind.SCHOOL},  # REL-4
    )
    return programme_settings


@transaction.atomic
def update_programme(programme: Programme, *, by: User, values: dict, expected_version: int) -> list[str]:
    """Change a programme's description, form, locations or approach. Audited with field names."""
    return save_versioned_and_log(
        programme, values, expected_version=expected_version, by=by, action="programmes.programme.changed"
    )


@transaction.atomic
def update_programme_settings(
    programme_settings: ProgrammeSettings, *, by: User, values: dict, expected_version: int
) -> list[str]:
    """Change a programme's practice settings (TRN-1, AGR-1, SUP-1, SCR-2, MAT-3, REL-4...).

    Side effects: an activity-log entry on the programme naming each changed setting and its rule.
    """
    changed = save_versioned(programme_settings, values, expected_version=expected_version)
    if changed:
        rules = {
            name: ProgrammeSettings.RULES[name][0] for name in changed if name in ProgrammeSettings.RULES
        }
        log_action(
            programme_settings.programme,
            "programmes.settings.changed",
            by=by,
            fields=changed,
            data={"rules": rules},
        )
    return changed
