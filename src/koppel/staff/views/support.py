"""Staff pages for the support schedule (SUP-1) and the support-contact log (SUP-2) of a match.
Same recipe as koppel.staff.views.helpers: selector -> form -> domain function -> redirect."""

from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from koppel.common.domain.audit import log_access_all
from koppel.common.refusal import show_refusal
from koppel.matches.domain.access import people_of_match
from koppel.matches.domain.support import follow_ups_due, log_contact, schedule_status
from koppel.matches.enums import ContactWith, SupportTopic
from koppel.matches.forms.support import SupportContactForm
from koppel.matches.models import MatchMentor, SupportContact
from koppel.policy import get_visible_or_404, staff_matches
from koppel.staff.views.helpers import staff_required
from koppel.staff.worklist.surveys import alert_note
from koppel.surveys.domain.alerts import open_alerts


def _match(request, pk):
    return get_visible_or_404(
        staff_matches(request.user)
        .select_related("programme__settings", "youth")
        .prefetch_related(
            Prefetch("match_mentors", queryset=MatchMentor.objects.select_related("mentor")),
            Prefetch(
                "support_contacts",
                queryset=SupportContact.objects.select_related("mentor", "guardian", "by").order_by(
                    "-held_on", "-id"
                ),
            ),
            "youth__guardianships",
        ),
        pk,
    )


def _support_page(request, match, form=None, status=200):
    today = timezone.localdate()
    log_access_all(people_of_match(match), by=request.user, page="staff:match_support")
    contacts = list(match.support_contacts.all())
    for c in contacts:
        c.topic_labels = [SupportTopic(t).label for t in c.topics if t in SupportTopic.values]
    schedules = [
        (ContactWith(party).label, schedule_status(match, with_whom=party, today=today))
        for party in (ContactWith.MENTOR, ContactWith.GUARDIAN)
    ]
    follow_ups = list(follow_ups_due([match.programme_id], today).filter(match=match))
    # OUT-4: a low or sharply dropped relationship-quality score asks for an extra contact.
    alerts = list(open_alerts([match.programme_id]).filter(match=match).select_related("score__subscale"))
    for alert in alerts:
        alert.note = alert_note(alert)
    context = {
        "match": match,
        "mentors": [mm.mentor for mm in match.match_mentors.all()],
        "settings": match.programme.settings,
        "schedules": schedules,
        "contacts": contacts,
        "follow_ups": follow_ups,
        "quality_alerts": alerts,
        "form": form or SupportContactForm(match=match, initial={"held_on": today}),
        "today": today,
    }
    return render(request, "staff/support/match_support.html", context, status=status)


@staff_required
def match_support(request, pk):
    """The planned contacts with mentor and guardians, the contact log and the form to log one."""
    return _support_page(request, _match(request, pk))


@staff_required
@require_POST
def match_support_add(request, pk):
    match = _match(request, pk)
    form = SupportContactForm(request.POST, match=match)
    if form.is_valid():
        with show_refusal(form) as outcome:
            log_contact(match, by=request.user, values=form.cleaned_data)
        if outcome.ok:
            messages.success(request, _("The support contact was logged."))
            return redirect("staff:match_support", pk=match.pk)
    return _support_page(request, match, form)
