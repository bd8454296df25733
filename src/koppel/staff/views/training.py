"""Staff pages for training (TRN-1..5, SUP-4): sessions, registration and attendance, the hours ledger,
the monthly-hours alert and peer-supervision groups. Same recipe as koppel.staff.views.helpers."""

from collections.abc import Callable

from django.contrib import messages
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from koppel.common.domain.audit import log_access_all
from koppel.common.refusal import show_refusal
from koppel.people.enums import MentorStatus
from koppel.policy import get_visible_or_404, programmes_visible_to, staff_mentors
from koppel.staff.views.helpers import paginate, staff_required
from koppel.training.domain.ledger import (
    first_match_start,
    is_matched,
    ledger_of,
    mentors_below_monthly_hours,
    month_bounds,
    pre_match_hours_missing,
)
from koppel.training.domain.queries.training import (
    peer_groups_visible_to,
    sessions_visible_to,
)
from koppel.training.domain.training import (
    create_peer_group,
    create_session,
    record_attendance,
    record_external_hours,
    record_peer_session_attendance,
    register_for_session,
)
from koppel.training.forms import (
    AttendanceForm,
    ExternalHoursForm,
    PeerGroupForm,
    PeerSessionForm,
    RegistrationForm,
    SessionForm,
)
from koppel.training.models import PeerSession, Registration


def _call(form, function, *args, **kwargs):
    """Call a domain function; on a refusal put its message on the form and return None."""
    with show_refusal(form):
        return function(*args, **kwargs)
    return None


def _create[T](request: HttpRequest, form: SessionForm | PeerGroupForm, create: Callable[..., T]) -> T | None:
    """On a POST with a valid form, `create(programme, by=, values=)` with the form's programme and
    values; None on a GET, an invalid form or a refusal (its message on the form)."""
    if request.method != "POST" or not form.is_valid():
        return None
    return _call(form, create, form.cleaned_data["programme"], by=request.user, values=form.domain_values())


# --- Sessions -------------------------------------------------------------------------------------


@staff_required
def session_list(request):
    now = timezone.now()
    sessions = (
        sessions_visible_to(request.user)
        .select_related("programme", "trainer")
        .annotate(
            n_registered=Count("registrations", distinct=True),
            n_attended=Count("registrations", filter=Q(registrations__attended=True), distinct=True),
        )
    )
    upcoming = sessions.filter(starts_at__gte=now).order_by("starts_at", "id")
    past = paginate(request, sessions.filter(starts_at__lt=now).order_by("-starts_at", "-id"))
    return render(request, "staff/training/session_list.html", {"upcoming": upcoming, "page": past})


@staff_required
def session_create(request):
    form = SessionForm(request.POST or None, user=request.user)
    session = _create(request, form, create_session)
    if session is not None:
        messages.success(request, _("The session was planned."))
        return redirect("staff:training_session_detail", pk=session.pk)
    return render(request, "staff/training/session_form.html", {"form": form})


def _session_page(request, session, *, attendance_form=None, registration_form=None, status=200):
    registrations = list(
        Registration.objects.filter(session=session).select_related("mentor", "youth", "guardian")
    )
    return render(
        request,
        "staff/training/session_detail.html",
        {
            "session": session,
            "modules": session.modules.all(),
            "registrations": registrations,
            "attendance_form": attendance_form or AttendanceForm(registrations=registrations),
            "registration_form": registration_form or RegistrationForm(session=session),
            "started": session.starts_at <= timezone.now(),
            "full": session.capacity is not None and len(registrations) >= session.capacity,
        },
        status=status,
    )


@staff_required
def session_detail(request, pk):
    """The session, its registrations and (POST) the attendance form for all of them at once."""
    session = get_visible_or_404(sessions_visible_to(request.user).select_related("programme", "trainer"), pk)
    if request.method != "POST":
        return _session_page(request, session)
    registrations = Registration.objects.filter(session=session).select_related("mentor", "youth", "guardian")
    form = AttendanceForm(request.POST, registrations=registrations)
    if form.is_valid():
        changed = _call(form, record_attendance, session, by=request.user, attendance=form.attendance())
        if changed is not None:
            messages.success(request, _("The attendance was saved."))
            return redirect("staff:training_session_detail", pk=session.pk)
    return _session_page(request, session, attendance_form=form)


@staff_required
def session_register(request, pk):
    session = get_visible_or_404(sessions_visible_to(request.user).select_related("programme"), pk)
    form = RegistrationForm(request.POST or None, session=session)
    if request.method == "POST" and form.is_valid():
        person = form.cleaned_data["person"]
        if _call(form, register_for_session, session, person, by=request.user) is not None:
            messages.success(request, _("%(name)s was registered.") % {"name": person.full_name})
            return redirect("staff:training_session_detail", pk=session.pk)
    return render(request, "staff/training/session_register.html", {"session": session, "form": form})


# --- The hours ledger -----------------------------------------------------------------------------


@staff_required
def mentor_training(request, pk):
    """A mentor's hours ledger: entries, totals before and after matching, what is missing (TRN-1, TRN-2)."""
    mentor = get_visible_or_404(staff_mentors(request.user).select_related("programme__settings"), pk)
    log_access_all([mentor], by=request.user, page="staff:mentor_training")
    entries = ledger_of(mentor)
    start = first_match_start(mentor)
    first, last = month_bounds(timezone.localdate())
    settings = mentor.programme.settings
    context = {
        "mentor": mentor,
        "entries": entries,
        "pre_match_total": sum((e.hours for e in entries if e.pre_match), start=0),
        "post_match_total": sum((e.hours for e in entries if not e.pre_match), start=0),
        "month_total": sum((e.hours for e in entries if first <= e.day <= last), start=0),
        "settings": settings,
        "matched": is_matched(mentor) or mentor.status == MentorStatus.MATCHED,
        "missing": pre_match_hours_missing(mentor),
        "first_match_start": start,
    }
    return render(request, "staff/training/mentor_training.html", context)


@staff_required
def mentor_training_hours_add(request, pk):
    mentor = get_visible_or_404(staff_mentors(request.user), pk)
    log_access_all([mentor], by=request.user, page="staff:mentor_training_hours_add")
    form = ExternalHoursForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and _call(form, record_external_hours, mentor, by=request.user, values=form.cleaned_data) is not None
    ):
        messages.success(request, _("The training hours were recorded."))
        return redirect("staff:mentor_training", pk=mentor.pk)
    return render(request, "staff/training/external_hours_form.html", {"mentor": mentor, "form": form})


@staff_required
def training_alerts(request):
    """TRN-2: matched mentors of the user's programmes short of this month's training hours."""
    today = timezone.localdate()
    programmes = programmes_visible_to(request.user).select_related("settings")
    rows = [
        (programme, shortfall)
        for programme in programmes
        for shortfall in mentors_below_monthly_hours(programme, month=today)
    ]
    return render(request, "staff/training/alerts.html", {"rows": rows, "month": today})


# --- Peer supervision (SUP-4) ---------------------------------------------------------------------


@staff_required
def peer_group_list(request):
    groups = (
        peer_groups_visible_to(request.user)
        .select_related("programme", "facilitator")
        .annotate(n_members=Count("members", distinct=True), n_sessions=Count("sessions", distinct=True))
        .order_by("name", "id")
    )
    return render(request, "staff/training/peer_group_list.html", {"page": paginate(request, groups)})


@staff_required
def peer_group_create(request):
    form = PeerGroupForm(request.POST or None, user=request.user)
    group = _create(request, form, create_peer_group)
    if group is not None:
        messages.success(request, _("The peer-supervision group was created."))
        return redirect("staff:peer_group_detail", pk=group.pk)
    return render(request, "staff/training/peer_group_form.html", {"form": form})


@staff_required
def peer_group_detail(request, pk):
    """The group, its meetings with who attended, and (POST) recording a new meeting."""
    group = get_visible_or_404(
        peer_groups_visible_to(request.user)
        .select_related("programme", "facilitator")
        .prefetch_related(
            "members",
            Prefetch("sessions", queryset=PeerSession.objects.prefetch_related("attendees")),
        ),
        pk,
    )
    form = PeerSessionForm(request.POST or None, group=group)
    if request.method == "POST" and form.is_valid():
        recorded = _call(
            form,
            record_peer_session_attendance,
            group,
            by=request.user,
            values=form.domain_values(),
            attendees=form.cleaned_data["attendees"],
        )
        if recorded is not None:
            messages.success(request, _("The peer-supervision session was recorded."))
            return redirect("staff:peer_group_detail", pk=group.pk)
    return render(request, "staff/training/peer_group_detail.html", {"group": group, "form": form})
