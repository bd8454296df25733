"""The privacy officer's page: the register of processing (verwerkingsregister) read from the data
map, its downloads for a DPIA, and the list of the other privacy pages. Administrators only:
coordinators get 403, like the access-log pages. Same recipe as koppel.staff.views.helpers.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from koppel.policy import get_visible_or_404, organisations_administered_by, roles_of
from koppel.privacy import documents
from koppel.privacy.domain.datamap import CHECKED_NOT_PERSONAL
from koppel.privacy.domain.register import (
    SENSITIVE_CATEGORIES,
    by_category,
    record_register_export,
    register_of,
    special_instruments,
)
from koppel.privacy.domain.retention import retention_texts
from koppel.privacy.enums import RetentionRule
from koppel.staff.views.helpers import staff_required


def _organisation(request):
    """The organisation whose register is shown: the one asked for (?organisation=), else the first
    the user administers; 403 for anyone who administers none."""
    if not roles_of(request.user).is_admin:
        raise PermissionDenied
    organisations = organisations_administered_by(request.user)
    if request.GET.get("organisation"):
        return get_visible_or_404(organisations, request.GET["organisation"]), organisations
    return organisations.first(), organisations


def _query(organisation, organisations) -> str:
    return f"?organisation={organisation.pk}" if len(organisations) > 1 else ""


def _sections(organisation, organisations) -> list[dict]:
    """The privacy pages this page links to; each is a title, a URL and one line on what it is for.
    Pages of other privacy areas are added to this list."""
    query = _query(organisation, organisations)
    return [
        {
            "title": _("Register of processing"),
            "url": "#register",
            "description": _("What Koppel keeps of whom, why, on which basis and for how long."),
        },
        {
            "title": _("Retention"),
            "url": reverse("staff:privacy_retention") + query,
            "description": _(
                "How long each kind of data is kept, the organisation's own periods, and what goes next."
            ),
        },
        {
            "title": _("Erasures"),
            "url": reverse("staff:erasure_list"),
            "description": _(
                "Who was erased, when and why (never their name). Erase a person from their page."
            ),
        },
        {
            "title": _("Requests for data"),
            "url": reverse("staff:access_request_list"),
            "description": _("Archives of everything Koppel holds about a person (GDPR art. 15 and 20)."),
        },
        {
            "title": _("Files read by an account"),
            "url": reverse("staff:files_read"),
            "description": _("Which files one login read or changed in a period, for a breach report."),
        },
        {
            "title": _("Register as a document (PDF)"),
            "url": reverse("staff:privacy_register_pdf") + query,
            "description": _("For the data protection impact assessment (DPIA)."),
        },
        {
            "title": _("Register as a spreadsheet (CSV)"),
            "url": reverse("staff:privacy_register_csv") + query,
            "description": _("One row per personal field."),
        },
        {
            "title": _("Privacy statement"),
            "url": reverse("statements:privacy_organisation", args=[organisation.slug]),
            "description": _("The public statement for mentors, youth and parents."),
        },
        {
            "title": _("Accessibility statement"),
            "url": reverse("statements:accessibility_organisation", args=[organisation.slug]),
            "description": _("The public statement on WCAG 2.1 AA."),
        },
    ]


@staff_required
def privacy_overview(request):
    organisation, organisations = _organisation(request)
    register = register_of(organisation)
    texts = retention_texts(organisation)
    retention_rules = [
        (rule, texts[rule], [p.name for p in register if any(f.retention_rule == rule for f in p.fields)])
        for rule in RetentionRule
    ]
    return render(
        request,
        "staff/privacy/overview.html",
        {
            "organisation": organisation,
            "organisations": organisations,
            "query": _query(organisation, organisations),
            "sections": _sections(organisation, organisations),
            "register": register,
            "sensitive": [g for g in by_category(register) if g.category in SENSITIVE_CATEGORIES],
            "instruments": special_instruments(),
            "retention_rules": retention_rules,
            "not_personal": sorted(CHECKED_NOT_PERSONAL.items()),
            "register_languages": [
                (code, translation.get_language_info(code)["name_local"])
                for code, _name in settings.LANGUAGES
            ],
        },
    )


CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "pdf": "application/pdf"}


@staff_required
def register_download(request, format):
    """The register as a CSV or PDF file. Side effect: "privacy.register.exported" in the activity log."""
    organisation, _organisations = _organisation(request)
    # In the reader's language, or the one asked for (a Dutch register for an English-speaking reader).
    language = request.GET.get("language")
    if language not in dict(settings.LANGUAGES):
        language = translation.get_language()
    with translation.override(language):
        register = register_of(organisation)
        render_document = documents.register_csv if format == "csv" else documents.register_pdf
        content = render_document(organisation, register)
    record_register_export(organisation, by=request.user, format=format, language=language)
    response = HttpResponse(content, content_type=CONTENT_TYPES[format])
    filename = f"register-{organisation.slug}-{timezone.localdate().isoformat()}.{format}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
