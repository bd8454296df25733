from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchesConfig(AppConfig):
    name = "koppel.matches"
    verbose_name = _("Matches")

    def ready(self) -> None:
        from koppel.common.guards import register
        from koppel.matches.domain.closure import end_matches_of_disqualified_mentor
        from koppel.matches.guards import GUARDS
        from koppel.people.domain.pipeline import AFTER_DISQUALIFICATION

        register(*GUARDS)
        if end_matches_of_disqualified_mentor not in AFTER_DISQUALIFICATION:
            AFTER_DISQUALIFICATION.append(end_matches_of_disqualified_mentor)
