"""Mentors, youth and parents/guardians: one table of the three kinds (`KINDS`) and one set of
small views over it (list, detail, create, edit, history, access log), linking a guardian to a
youth, and a coordinator's caseload. Same recipe as every staff page (koppel.staff.views.helpers).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from koppel.common.domain.audit import access_log_of, history_of, log_access_all
from koppel.common.refusal import show_refusal
from koppel.matches.domain.access import people_around
from koppel.matches.domain.support import SCHEDULED as SUPPORT_SCHEDULED
from koppel.matches.domain.support import schedule_status, with_schedule_data
from koppel.matches.enums import OPEN_STATES, ContactWith
from koppel.matches.models import Match
from koppel.people.domain.people import (
    create_guardian,
    create_mentor,
    create_youth,
    link_guardian,
    update_person,
)
from koppel.people.forms import GuardianForm, LinkGuardianForm, MentorForm, YouthForm
from koppel.people.models import Guardian, Guardianship, Mentor, RepeatApplication, Youth
from koppel.policy import (
    get_visible_or_404,
    guardians_visible_to,
    mentors_visible_to,
    programmes_visible_to,
    roles_of,
    staff_mentors,
    staff_youth,
    youth_visible_to,
)
from koppel.staff.filters import GuardianFilter, MentorFilter, YouthFilter
from koppel.staff.views.helpers import (
    paginate,
    posted_and_saved,
    query_without_page,
    render_list,
    staff_required,
)

# --- People: one table of the three kinds, one set of small views --------------------------------


@dataclass(frozen=True)
class Kind:
    name: str  # URL prefix: mentor, youth, guardian
    model: type
    selector: object
    form: type
    filterset: type
    title: object
    list_related: tuple = ()


KINDS = {
    "mentor": Kind(
        "mentor",
        Mentor,
        mentors_visible_to,
        MentorForm,
        MentorFilter,
        gettext_lazy("Mentors"),
        ("programme", "coordinator"),
    ),
    "youth": Kind(
        "youth",
        Youth,
        youth_visible_to,
        YouthForm,
        YouthFilter,
        gettext_lazy("Youth"),
        ("programme", "coordinator"),
    ),
    "guardian": Kind(
        "guardian",
        Guardian,
        guardians_visible_to,
        GuardianForm,
        GuardianFilter,
        gettext_lazy("Parents and guardians"),
        ("organisation",),
    ),
}


def staff_people(kind: Kind, user):
    """The kind's selector, narrowed to what staff pages show (never a person's own portal row)."""
    qs = kind.selector(user)
    r = roles_of(user)
    if kind.name == "guardian":
        return qs.filter(
            Q(
                id__in=Guardianship.objects.filter(youth__programme_id__in=r.staff_programme_ids).values(
                    "guardian_id"
                )
            )
            | Q(organisation_id__in=r.admin_org_ids)
        )
    return staff_mentors(user) if kind.name == "mentor" else staff_youth(user)


@staff_required
def person_list(request, kind):
    kind = KINDS[kind]
    # Erased people (GDPR art. 17) are no one to work with: the lists leave them out, the reports
    # still count them, and a match's page names them "Erased mentor #12".
    queryset = staff_people(kind, request.user).filter(erased_at=None).select_related(*kind.list_related)
    if kind.name == "mentor":
        # Flag the mentors with a second application still to review (kept apart, never merged).
        # (Exists, not Count: a grouped query would lose the list's order.)
        queryset = queryset.annotate(
            open_repeats=Exists(RepeatApplication.objects.filter(mentor=OuterRef("pk"), reviewed_at=None))
        )
    filterset = kind.filterset(
        request.GET or None, queryset=queryset, programmes=programmes_visible_to(request.user)
    )
    results = filterset.qs if filterset.is_bound and filterset.is_valid() else queryset
    page = paginate(request, results)
    if kind.name == "guardian":  # the list shows their phone numbers
        log_access_all(page.object_list, by=request.user, page="staff:guardian_list")
    return render_list(
        request,
        f"staff/{kind.name}_list.html",
        {"kind": kind, "filter": filterset, "page": page, "query": query_without_page(request)},
    )


@staff_required
def person_detail(request, kind, pk):
    kind = KINDS[kind]
    queryset = staff_people(kind, request.user)
    if kind.name == "youth":
        queryset = queryset.select_related("programme", "coordinator").prefetch_related(
            "interests", "guardianships__guardian"
        )
    elif kind.name == "mentor":
        queryset = queryset.select_related("programme", "coordinator").prefetch_related("interests")
    person = get_visible_or_404(queryset, pk)
    if person.erased_at is not None:
        return render(request, "staff/privacy/erased_person.html", {"kind": kind, "person": person})
    log_access_all(people_around(person), by=request.user, page=f"staff:{kind.name}_detail")
    context = {"kind": kind, "person": person}
    if kind.name == "guardian":
        context["links"] = Guardianship.objects.filter(
            guardian=person, youth__in=youth_visible_to(request.user)
        ).select_related("youth__programme")
    if kind.name == "mentor":
        # Applications with this mentor's address that a public form kept apart (never merged).
        context["repeat_applications"] = person.repeat_applications.select_related("campaign")
    if kind.name in ("mentor", "youth"):
        context["matches"] = (
            Match.objects.filter(**({"mentors": person} if kind.name == "mentor" else {"youth": person}))
            .select_related("youth")
            .prefetch_related("mentors")
        )
    return render(request, f"staff/{kind.name}_detail.html", context)


@staff_required
def person_create(request, kind):
    kind = KINDS[kind]
    form = kind.form(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        create = create_mentor if kind.name == "mentor" else create_youth
        person = create(form.cleaned_data["programme"], by=request.user, values=form.domain_values())
        messages.success(request, _("%(name)s was registered.") % {"name": person.full_name})
        return redirect(f"staff:{kind.name}_detail", pk=person.pk)
    return _person_form_page(request, kind, form, None)


@staff_required
def person_edit(request, kind, pk):
    kind = KINDS[kind]
    person = get_visible_or_404(staff_people(kind, request.user), pk)
    if person.erased_at is not None:
        messages.error(request, _("An erased person cannot be edited."))
        return redirect(f"staff:{kind.name}_detail", pk=person.pk)
    log_access_all(people_around(person), by=request.user, page=f"staff:{kind.name}_edit")
    form = kind.form(request.POST or None, instance=person, user=request.user)
    if "programme" in form.fields:
        # A person moves between programmes through intake, not through the profile form.
        form.fields["programme"].disabled = True
    if posted_and_saved(request, form, update_person, person):
        messages.success(request, _("The changes were saved."))
        return redirect(f"staff:{kind.name}_detail", pk=person.pk)
    return _person_form_page(request, kind, form, person)


def _person_form_page(request, kind, form, person):
    """The one form page of mentors, youth and guardians: the form's own fields, and the MAT-2
    self-report in a fieldset of its own only for a form that has one (a guardian's has none)."""
    personality = set(getattr(form, "personality_fields", ()))
    visible = form.visible_fields()
    return render(
        request,
        "staff/person_form.html",
        {
            "kind": kind,
            "form": form,
            "person": person,
            "fields": [field for field in visible if field.name not in personality],
            "personality": [field for field in visible if field.name in personality],
        },
    )


@staff_required
def person_history(request, kind, pk):
    return _person_log(
        request, kind, pk, view="history", template="staff/history.html", entries_of=history_of
    )


@staff_required
def person_access_log(request, kind, pk):
    """Administrators see who viewed a person's pages."""
    return _person_log(
        request,
        kind,
        pk,
        view="access_log",
        template="staff/access_log.html",
        entries_of=access_log_of,
        permission="people.view_access_log",
    )


def _person_log(
    request: HttpRequest,
    kind_name: str,
    pk: int,
    *,
    view: str,
    template: str,
    entries_of: Callable[[Any], QuerySet[Any]],
    permission: str | None = None,
) -> HttpResponse:
    """A log about one person (its history, who viewed it), a page at a time, behind `permission`
    when one is given; the view itself is logged as access to the person and those around them."""
    kind = KINDS[kind_name]
    person = get_visible_or_404(staff_people(kind, request.user), pk)
    if permission is not None and not request.user.has_perm(permission, person):
        raise PermissionDenied
    log_access_all(people_around(person), by=request.user, page=f"staff:{kind.name}_{view}")
    return render(
        request,
        template,
        {
            "object": person,
            "entries": paginate(request, entries_of(person)),
            "back_url": reverse(f"staff:{kind.name}_detail", kwargs={"pk": person.pk}),
        },
    )


@staff_required
def guardian_create(request, youth_pk):
    """Register a parent or guardian for a youth (a guardian always comes with a child)."""
    youth = get_visible_or_404(
        staff_people(KINDS["youth"], request.user).select_related("programme"), youth_pk
    )
    log_access_all(people_around(youth), by=request.user, page="staff:guardian_create")
    form = GuardianForm(request.POST or None)
    link_form = LinkGuardianForm(request.POST or None, user=request.user, youth=youth, prefix="link")
    link_form.fields.pop("guardian")
    if request.method == "POST" and form.is_valid() and link_form.is_valid():
        with transaction.atomic():
            guardian = create_guardian(
                youth.programme.organisation, by=request.user, values=form.domain_values()
            )
            link_guardian(
                youth,
                guardian,
                by=request.user,
                relation=link_form.cleaned_data["relation"],
                has_parental_authority=link_form.cleaned_data["has_parental_authority"],
            )
        messages.success(request, _("%(name)s was registered.") % {"name": guardian.full_name})
        return redirect("staff:youth_detail", pk=youth.pk)
    return render(request, "staff/guardian_form.html", {"youth": youth, "form": form, "link_form": link_form})


@staff_required
def guardian_link(request, youth_pk):
    """Link an existing parent or guardian (for instance of a sibling) to a youth."""
    youth = get_visible_or_404(
        staff_people(KINDS["youth"], request.user).select_related("programme"), youth_pk
    )
    log_access_all(people_around(youth), by=request.user, page="staff:guardian_link")
    form = LinkGuardianForm(request.POST or None, user=request.user, youth=youth)
    if request.method == "POST" and form.is_valid():
        with show_refusal(form) as outcome:
            link_guardian(
                youth,
                form.cleaned_data["guardian"],
                by=request.user,
                relation=form.cleaned_data["relation"],
                has_parental_authority=form.cleaned_data["has_parental_authority"],
            )
        if outcome.ok:
            messages.success(request, _("The parent or guardian was linked."))
            return redirect("staff:youth_detail", pk=youth.pk)
    return render(request, "staff/guardian_link.html", {"youth": youth, "form": form})


# --- Caseload -------------------------------------------------------------------------------------


@staff_required
def caseload(request):
    """The people and matches a coordinator is responsible for."""

    user = request.user
    # Erased people stay on the caseload for the reports' coordinator filter, not on this page.
    mentors = (
        staff_people(KINDS["mentor"], user)
        .filter(coordinator=user, erased_at=None)
        .select_related("programme")
    )
    youth = (
        staff_people(KINDS["youth"], user)
        .filter(coordinator=user, erased_at=None)
        .select_related("programme")
        .order_by(F("waiting_since").asc(nulls_last=True), "last_name")
    )
    matches = list(
        with_schedule_data(
            Match.objects.filter(
                programme_id__in=roles_of(user).staff_programme_ids,
                youth__coordinator=user,
                state__in=OPEN_STATES,
            )
        ).prefetch_related("mentors")
    )
    # SUP-1: per match the next support contact due (mentor or guardians) and how many were on time.
    today = timezone.localdate()
    for match in matches:
        statuses = [schedule_status(match, with_whom=w, today=today) for w in SUPPORT_SCHEDULED]
        due = [(s.next_due, s.with_whom) for s in statuses if s.next_due is not None]
        match.support_next = min(due) if due else None
        match.support_next_with = ContactWith(match.support_next[1]).label if due else ""
        match.support_overdue = bool(due) and match.support_next[0] < today
        match.support_on_time = sum(s.on_time for s in statuses)
        match.support_planned = sum(s.planned_so_far for s in statuses)
    return render(request, "staff/caseload.html", {"mentors": mentors, "youth": youth, "matches": matches})
