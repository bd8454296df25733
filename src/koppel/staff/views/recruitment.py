"""Staff pages for recruitment (REC-1..3): campaigns with their public link and funnel, and the
registration of a youth by a parent or guardian or a referring professional."""

from django.conf import settings
from django.contrib import messages
from django.db.models import F
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from koppel.common.domain.audit import log_access
from koppel.common.refusal import show_refusal
from koppel.people.domain.queries.recruitment import (
    FUNNEL_KEYS,
    campaign_funnel,
    campaigns_visible_to,
    with_funnel,
)
from koppel.people.domain.queries.screening import screening_mentors_visible_to
from koppel.people.domain.recruitment import (
    create_campaign,
    merge_repeat_application,
    register_youth,
    update_campaign,
)
from koppel.people.enums import MentorMotive, SpokenLanguage, availability_label
from koppel.people.forms.recruitment import CampaignForm, RepeatApplicationMergeForm, YouthRegistrationForm
from koppel.people.models import Interest, Mentor, RepeatApplication
from koppel.policy import get_visible_or_404, programmes_visible_to
from koppel.staff.views.helpers import (
    paginate,
    posted_and_saved,
    query_without_page,
    render_list,
    staff_required,
)


def public_link(campaign) -> str:
    return settings.SITE_URL + reverse("public:apply", args=[campaign.token])


@staff_required
def campaign_list(request):
    programmes = programmes_visible_to(request.user)
    campaigns = with_funnel(campaigns_visible_to(request.user).select_related("programme"))
    programme_id = request.GET.get("programme", "")
    if programme_id.isdigit():
        campaigns = campaigns.filter(programme_id=int(programme_id))
    return render_list(
        request,
        "staff/recruitment/campaign_list.html",
        {
            "page": paginate(request, campaigns),
            "programmes": programmes,
            "programme_id": programme_id,
            "query": query_without_page(request),
        },
    )


@staff_required
def campaign_create(request):
    form = CampaignForm(request.POST or None, user=request.user)
    if request.method == "GET" and request.GET.get("programme", "").isdigit():
        form.fields["programme"].initial = int(request.GET["programme"])
    if request.method == "POST" and form.is_valid():
        campaign = create_campaign(
            form.cleaned_data["programme"], by=request.user, values=form.domain_values()
        )
        messages.success(request, _("The campaign was created."))
        return redirect("staff:campaign_detail", pk=campaign.pk)
    return render(request, "staff/recruitment/campaign_form.html", {"form": form, "campaign": None})


@staff_required
def campaign_edit(request, pk):
    campaign = get_visible_or_404(campaigns_visible_to(request.user), pk)
    form = CampaignForm(request.POST or None, instance=campaign, user=request.user)
    if posted_and_saved(request, form, update_campaign, campaign):
        messages.success(request, _("The changes were saved."))
        return redirect("staff:campaign_detail", pk=campaign.pk)
    return render(request, "staff/recruitment/campaign_form.html", {"form": form, "campaign": campaign})


@staff_required
def campaign_detail(request, pk):
    """The campaign, its public link and the applicants it brought (REC-3)."""
    campaign = get_visible_or_404(campaigns_visible_to(request.user).select_related("programme"), pk)
    funnel = campaign_funnel(campaign)
    applicants = Mentor.objects.filter(campaign=campaign).order_by(
        F("applied_at").desc(nulls_last=True), "-pk"
    )
    return render(
        request,
        "staff/recruitment/campaign_detail.html",
        {
            "campaign": campaign,
            "link": public_link(campaign),
            "funnel": [(key, funnel[key]) for key in FUNNEL_KEYS],
            "page": paginate(request, applicants),
        },
    )


@staff_required
def youth_register(request):
    """A youth registered by a parent or guardian, or referred by a school or youth worker."""
    form = YouthRegistrationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with show_refusal(form) as outcome:
            youth = register_youth(
                data["programme"],
                by=request.user,
                values=form.youth_values(),
                guardian=data["guardian"],
                guardian_values=form.guardian_values(),
                relation=data["relation"],
                has_parental_authority=data["has_parental_authority"],
                consent=data["guardian_consent"],
                consent_on=data["consent_on"],
            )
        if outcome.ok:
            messages.success(request, _("%(name)s was registered.") % {"name": youth.full_name})
            return redirect("staff:youth_detail", pk=youth.pk)
    return render(request, "staff/recruitment/youth_register.html", {"form": form, **form.GROUPS})


@staff_required
def repeat_application(request, pk):
    """A second application with a known mentor's e-mail address, side by side with the mentor's
    details: the coordinator copies the values they trust, or sets it aside."""
    application = get_visible_or_404(
        RepeatApplication.objects.filter(
            mentor__in=screening_mentors_visible_to(request.user)
        ).select_related("mentor__programme", "campaign", "proposed_for", "proposed_by", "reviewed_by"),
        pk,
    )
    mentor = application.mentor
    log_access(mentor, by=request.user, page="staff:repeat_application")
    form = RepeatApplicationMergeForm(request.POST or None, application=application)
    if request.method == "POST" and application.reviewed_at is None and form.is_valid():
        chosen = form.cleaned_data["fields_to_copy"]
        with show_refusal(form) as outcome:
            merge_repeat_application(
                application,
                by=request.user,
                fields=chosen,
                expected_version=form.cleaned_data["expected_version"],
            )
        if outcome.ok:
            if chosen:
                messages.success(request, _("The chosen values were copied into the mentor."))
            else:
                messages.success(request, _("The application was set aside without copying anything."))
            return redirect("staff:mentor_detail", pk=mentor.pk)
    rows = [
        (
            name,
            Mentor._meta.get_field(name).verbose_name,
            _display(name, _current(mentor, name)),
            _display(name, value),
        )
        for name, value in application.values.items()
    ]
    return render(
        request,
        "staff/recruitment/repeat_application.html",
        {"application": application, "mentor": mentor, "rows": rows, "form": form},
    )


def _current(mentor, name: str):
    if name == "interests":
        return list(mentor.interests.values_list("pk", flat=True))
    return getattr(mentor, name)


def _display(name: str, value) -> str:
    """A stored or submitted value as a coordinator reads it: labels for codes, names for interests."""
    if name == "interests":
        return ", ".join(str(i) for i in Interest.objects.filter(pk__in=value or []))
    if name == "availability":
        return ", ".join(availability_label(slot) for slot in value or [])
    field = Mentor._meta.get_field(name)
    labels = dict(field.flatchoices or [])
    if name == "languages":
        labels = dict(SpokenLanguage.choices)
    elif name == "motives":
        labels = dict(MentorMotive.choices)
    if isinstance(value, list):
        return ", ".join(str(labels.get(v, v)) for v in value)
    if value in (None, ""):
        return "-"
    return str(labels.get(value, value))
