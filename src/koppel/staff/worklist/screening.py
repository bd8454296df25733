"""Worklist sections about mentors in screening and youth waiting: disclosures to review (SCR-3),
VOG renewals and outstanding VOGs and references (SCR-2), interviews to plan (SCR-1), new
applications, mentors short of training hours (TRN-1) and the youth waiting longest."""

from django.utils import timezone
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from koppel.common.formatting import day, decimal_text
from koppel.people.domain.queries import intake as q
from koppel.people.domain.queries import screening
from koppel.policy import roles_of
from koppel.staff.worklist.spec import Spec
from koppel.training.domain.ledger import mentors_short_of_training


def _day(value) -> str:
    """A day in a note: "3 March", with the year when it is not this year (formatting.day)."""
    return day(value) if value else "-"


def _applied(mentor) -> str:
    # Mentors registered by staff (not through the public form) have no application time.
    return _("applied on %(day)s") % {"day": _day(localtime(mentor.applied_at or mentor.created_at).date())}


def _programme_ids(user):
    return roles_of(user).staff_programme_ids


def _waiting_days(youth) -> str:
    if youth.waiting_since is None:
        return _("waiting")
    days = (timezone.localdate() - youth.waiting_since).days
    return ngettext("waiting %(days)s day", "waiting %(days)s days", days) % {"days": days}


SECTIONS = [
    # Safeguarding first (SCR-3), then what keeps screening moving, then the pool and the youth.
    Spec(
        "disclosures",
        gettext_lazy("Disclosures to review"),
        "SCR-3",
        lambda user: screening.disclosures_to_review(_programme_ids(user)),
        lambda d: _("submitted on %(day)s") % {"day": _day(d.submitted_on)},
        person=lambda d: d.mentor,
        related=("mentor__programme",),
    ),
    Spec(
        "vog_renewals",
        gettext_lazy("VOG renewals due"),
        "SCR-2",
        lambda user: screening.vog_renewals_due(_programme_ids(user), within_days=q.VOG_RENEWAL_NOTICE_DAYS),
        lambda vog: _("valid until %(day)s") % {"day": _day(vog.valid_until)},
        person=lambda vog: vog.mentor,
        related=("mentor__programme",),
    ),
    Spec("vogs", gettext_lazy("VOGs outstanding"), "SCR-2", q.vogs_outstanding, _applied),
    Spec(
        "references",
        gettext_lazy("References outstanding"),
        "SCR-2",
        q.references_outstanding,
        lambda m: (
            _("%(answered)s of %(required)s references answered")
            % {"answered": m.references_answered, "required": m.programme.settings.references_required}
        ),
        related=("programme__settings",),
    ),
    Spec("interviews", gettext_lazy("Interviews to plan"), "SCR-1", q.interviews_to_plan, _applied),
    Spec("applications", gettext_lazy("New applications"), "", q.new_applications, _applied),
    Spec(
        "training",
        gettext_lazy("Mentors short of training hours"),
        "TRN-1",
        mentors_short_of_training,
        lambda m: (
            ngettext("%(hours)s hour missing", "%(hours)s hours missing", 1 if m.hours_missing == 1 else 2)
            % {"hours": decimal_text(m.hours_missing)}
        ),
        url_name="staff:mentor_training",
    ),
    Spec(
        "waiting",
        gettext_lazy("Youth waiting longest"),
        "",
        q.youth_waiting_longest,
        _waiting_days,
        url_name="staff:youth_detail",
    ),
]
