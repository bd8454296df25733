"""Worklist section about privacy: youth who turned 16 without a login of their own (UAVG art. 5)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from koppel.common.formatting import day
from koppel.policy import roles_of
from koppel.privacy.domain.coming_of_age import needs_own_access
from koppel.staff.worklist.spec import Spec


def _note(youth) -> str:
    turned = day(youth.coming_of_age.turned_on)
    if not youth.email:
        return _("turned 16 on %(day)s; no e-mail address") % {"day": turned}
    return _("turned 16 on %(day)s; the e-mail address belongs to another login") % {"day": turned}


SECTIONS: list[Spec] = [
    Spec(
        "own_access",
        gettext_lazy("Needs own access"),
        "UAVG 5",
        lambda user: needs_own_access(roles_of(user).staff_programme_ids),
        _note,
        url_name="staff:youth_detail",
        related=("programme", "coming_of_age"),
    ),
]
