"""The mentor's own pages in the portal: their training (TRN-1, TRN-2) and their support contacts
with the programme (SUP-1). A mentor sees only their own rows."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone

from koppel.matches.domain.support import schedule_status, with_schedule_data
from koppel.matches.enums import STARTED_STATES, ContactWith, SupportTopic
from koppel.matches.models import SupportContact
from koppel.people.models import Mentor
from koppel.policy import portal_matches, roles_of
from koppel.portal.views.helpers import portal_required
from koppel.training.domain.ledger import ledger_of, month_bounds, pre_match_hours_missing
from koppel.training.models import Registration


def _mentor(request) -> Mentor:
    r = roles_of(request.user)
    if not r.is_mentor:
        raise PermissionDenied
    return Mentor.objects.select_related("programme__settings").get(pk=min(r.mentor_ids))


@portal_required
def training(request):
    """The mentor's training hours: what counted before the first match (TRN-1), this month's hours
    against the programme's monthly hours (TRN-2), and the sessions they registered for."""
    mentor = _mentor(request)
    today = timezone.localdate()
    first, last = month_bounds(today)
    entries = ledger_of(mentor)
    upcoming = (
        Registration.objects.filter(mentor=mentor, session__starts_at__gte=timezone.now())
        .select_related("session")
        .order_by("session__starts_at")
    )
    context = {
        "mentor": mentor,
        "settings": mentor.programme.settings,
        "entries": entries,
        "missing": pre_match_hours_missing(mentor),
        "month_total": sum((e.hours for e in entries if first <= e.day <= last), start=0),
        "upcoming": upcoming,
    }
    return render(request, "portal/mentor/training.html", context)


@portal_required
def support_contacts(request):
    """The programme's contacts with the mentor (SUP-1, SUP-2): when, how and about what, and when the
    next one is planned. The coordinator's notes stay with the coordinator."""
    mentor = _mentor(request)
    today = timezone.localdate()
    matches = list(
        with_schedule_data(
            portal_matches(request.user)
            .filter(match_mentors__mentor=mentor, state__in=STARTED_STATES)
            .distinct()
        )
    )
    contacts = (
        SupportContact.objects.filter(with_whom=ContactWith.MENTOR, match__match_mentors__mentor=mentor)
        .select_related("match__youth")
        .distinct()
        .order_by("-held_on", "-id")
    )
    rows = [(m, schedule_status(m, with_whom=ContactWith.MENTOR, today=today)) for m in matches]
    topics = dict(SupportTopic.choices)
    history = [(c, ", ".join(str(topics.get(t, t)) for t in c.topics)) for c in contacts]
    return render(request, "portal/mentor/support_contacts.html", {"history": history, "rows": rows})
