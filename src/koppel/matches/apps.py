from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchesConfig(AppConfig):
    name = "koppel.matches"
    verbose_name = _("Matches")

    def ready(self) -> None:
        # Imported here: apps.py is loaded before the models are ready.
        from koppel.common.domain.reminders import register_reminder_kinds
        from koppel.common.guards import register
        from koppel.matches.domain.closure import end_matches_of_disqualified_mentor
        from koppel.matches.domain.matched import give_match_facts
        from koppel.matches.domain.reminders import REMINDERS
        from koppel.matches.guards import GUARDS
        from koppel.people.domain.pipeline import AFTER_DISQUALIFICATION

        register(*GUARDS)
        register_reminder_kinds(*REMINDERS)
        give_match_facts()
        if end_matches_of_disqualified_mentor not in AFTER_DISQUALIFICATION:
            AFTER_DISQUALIFICATION.append(end_matches_of_disqualified_mentor)
