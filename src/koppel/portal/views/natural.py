"""The natural-mentor route (REC-1): a youth or their parent proposes someone from the youth's own
network, who then applies and goes through the same screening as anyone."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from koppel.people.domain.recruitment import propose_natural_mentor
from koppel.people.enums import UILanguage, YouthStatus
from koppel.people.forms.recruitment import NaturalMentorForm
from koppel.people.models import Youth
from koppel.policy import roles_of


def _proposable_youth(user):
    """The youth a user may propose a mentor for: themselves, or their own children."""
    r = roles_of(user)
    q = Q(id__in=r.youth_ids)
    if r.guardian_id is not None:
        q |= Q(guardianships__guardian_id=r.guardian_id)
    return (
        Youth.objects.filter(q)
        .exclude(status__in=[YouthStatus.CLOSED, YouthStatus.WITHDRAWN])
        .select_related("programme")
        .distinct()
        .order_by("first_name", "pk")
    )


def _language(user) -> str:
    language = user.language or (get_language() or "")[:2]
    return language if language in UILanguage.values else UILanguage.NL


def propose_mentor(request):
    r = roles_of(request.user)
    if not (r.is_youth or r.is_guardian):
        raise PermissionDenied
    youth_choices = _proposable_youth(request.user)
    form = NaturalMentorForm(request.POST or None, youth_choices=youth_choices)
    if request.method == "POST" and form.is_valid():
        propose_natural_mentor(
            form.cleaned_data["youth"],
            by=request.user,
            values=form.domain_values(),
            relation=form.cleaned_data["relation"],
            language=_language(request.user),
        )
        messages.success(
            request,
            _("Thank you. We have sent %(name)s an e-mail, and the coordinator will contact them.")
            % {"name": form.cleaned_data["first_name"]},
        )
        return redirect("portal:home")
    choices = list(youth_choices)
    return render(
        request,
        "portal/propose_mentor.html",
        {"form": form, "has_choices": bool(choices), "only_youth": choices[0] if len(choices) == 1 else None},
    )
