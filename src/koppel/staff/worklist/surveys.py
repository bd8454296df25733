"""Worklist sections for surveys: extra support contacts asked for by relationship quality (OUT-4).

A relationship-quality score below its threshold, or a sharp drop, stays on the worklist until the
coordinator logs a support contact for the match (on or after the alert's day) or marks the alert
handled (staff:quality_alert_handle). Two queries whatever the number of alerts.
"""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from koppel.common.formatting import figure
from koppel.policy import roles_of
from koppel.staff.worklist.spec import Spec
from koppel.surveys.domain.alerts import open_alerts
from koppel.surveys.enums import AlertReason, Respondent


def _number(value) -> str:
    return figure(value, 1)


def alert_note(alert) -> str:
    """ "Trust 2.3 below 3.0 (mentor)" or "Closeness fell from 4.5 to 3.0 (youth)"."""
    score = alert.score
    values = {
        "subscale": score.subscale.name,
        "value": _number(alert.value),
        "respondent": str(Respondent(score.respondent).label).lower(),
    }
    if alert.reason == AlertReason.SHARP_DROP:
        return _("%(subscale)s fell from %(previous)s to %(value)s (%(respondent)s)") % {
            **values,
            "previous": _number(alert.previous),
        }
    if not score.subscale.higher_is_better:
        return _("%(subscale)s %(value)s above %(threshold)s (%(respondent)s)") % {
            **values,
            "threshold": _number(alert.threshold),
        }
    return _("%(subscale)s %(value)s below %(threshold)s (%(respondent)s)") % {
        **values,
        "threshold": _number(alert.threshold),
    }


SECTIONS: list[Spec] = [
    Spec(
        "quality_alerts",
        gettext_lazy("Extra support contact"),
        "OUT-4",
        lambda user: open_alerts(roles_of(user).staff_programme_ids),
        alert_note,
        person=lambda alert: alert.match,
        related=("match__programme", "match__youth", "score__subscale"),
        name=lambda alert: alert.match.youth.full_name,
        url=lambda alert: reverse("staff:match_support", args=[alert.match_id]),
    ),
]
