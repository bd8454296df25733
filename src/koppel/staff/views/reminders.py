"""Staff page for reminders and mails that keep failing: administrators only.

Coordinators get 403: a failing reminder or mail is about the mail server or an address, which the
organisation's administrators fix. An administrator sees the reminders and the outbox mails of their
organisations' programmes. Same recipe as koppel.staff.views.helpers.
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from koppel.common.domain.mail import mail_needing_attention, retry_mail
from koppel.common.domain.reminders import reminder_counts, reminders_needing_attention, retry_reminder
from koppel.policy import get_visible_or_404, roles_of
from koppel.staff.views.helpers import paginate, run_step, staff_required


def _admin_programme_ids(user):
    roles = roles_of(user)
    if not roles.is_admin:
        raise PermissionDenied
    return roles.staff_programme_ids


def _visible_reminders(user):
    return reminders_needing_attention(_admin_programme_ids(user))


def _visible_mails(user):
    return mail_needing_attention(_admin_programme_ids(user))


MAILS_SHOWN = 50


@staff_required
def reminder_list(request):
    reminders = _visible_reminders(request.user).order_by("status", "next_attempt_at", "-id")
    since = timezone.now() - timedelta(days=30)
    counts = reminder_counts(roles_of(request.user).staff_programme_ids, since=since)
    # The latest failing mails; the rest waits behind them (the page is about what to fix).
    mails = _visible_mails(request.user).order_by("status", "next_attempt_at", "-id")[:MAILS_SHOWN]
    return render(
        request,
        "staff/reminders/list.html",
        {"page": paginate(request, reminders), "counts": counts, "mails": mails},
    )


@staff_required
@require_POST
def reminder_retry(request, pk):
    reminder = get_visible_or_404(_visible_reminders(request.user), pk)
    run_step(request, retry_reminder, reminder, done=_("The reminder will be sent again at the next run."))
    return redirect("staff:reminders")


@staff_required
@require_POST
def mail_retry(request, pk):
    mail = get_visible_or_404(_visible_mails(request.user), pk)
    run_step(request, retry_mail, mail, done=_("The mail will be sent again."))
    return redirect("staff:reminders")
