from django import template
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from koppel.common import formatting

register = template.Library()

ACTION_LABELS = {
    "created": _("Created"),
    "changed": _("Changed"),
    "guardian_linked": _("Parent or guardian linked"),
    "status_changed": _("Status changed"),
    "reviewed": _("Decision recorded"),
    "imported": _("Imported"),
    "exported": _("People exported"),
    "proposed": _("Proposed as natural mentor"),
}
SETTINGS_ACTION = "programmes.settings.changed"
# Actions logged on one object whose field names are another model's (a programme's settings are
# logged on the programme): filled by the app that owns the model, in its AppConfig.ready.
FIELDS_OF: dict[str, type[Model]] = {}


@register.filter
def action_label(action: str) -> str:
    if action == SETTINGS_ACTION:
        return str(_("Programme settings changed"))
    return str(ACTION_LABELS.get(action.rsplit(".", 1)[-1], action))


PAGE_LABELS = {
    "staff:mentor_detail": _("Mentor profile (staff)"),
    "staff:youth_detail": _("Youth profile (staff)"),
    "staff:guardian_detail": _("Parent or guardian profile (staff)"),
    "portal:youth_detail": _("Youth page (portal)"),
    "staff:youth_intake": _("Intake (staff)"),
    "staff:mentor_screening": _("Screening (staff)"),
    "staff:mentor_transition": _("Screening (staff)"),
    "staff:interview_create": _("Screening: interview (staff)"),
    "staff:interview_edit": _("Screening: interview (staff)"),
    "staff:reference_create": _("Screening: reference (staff)"),
    "staff:reference_edit": _("Screening: reference (staff)"),
    "staff:vog_create": _("Screening: VOG (staff)"),
    "staff:vog_edit": _("Screening: VOG (staff)"),
    "staff:disclosure_create": _("Screening: self-disclosure (staff)"),
    "staff:disclosure_review": _("Screening: self-disclosure (staff)"),
    "staff:mentor_edit": _("Edit mentor (staff)"),
    "staff:youth_edit": _("Edit youth (staff)"),
    "staff:guardian_edit": _("Edit parent or guardian (staff)"),
    "staff:mentor_history": _("History (staff)"),
    "staff:youth_history": _("History (staff)"),
    "staff:guardian_history": _("History (staff)"),
    "staff:mentor_access_log": _("Access log (staff)"),
    "staff:youth_access_log": _("Access log (staff)"),
    "staff:guardian_access_log": _("Access log (staff)"),
    "staff:guardian_list": _("Parents and guardians (staff)"),
    "staff:guardian_create": _("Add a parent or guardian (staff)"),
    "staff:guardian_link": _("Add a parent or guardian (staff)"),
    "staff:mentor_training": _("Training hours (staff)"),
    "staff:mentor_training_hours_add": _("Training hours (staff)"),
    "staff:match_detail": _("Match (staff)"),
    "staff:match_agreement": _("Agreement (staff)"),
    "staff:match_agreement_edit": _("Agreement (staff)"),
    "staff:match_agreement_pdf": _("Agreement PDF (staff)"),
    "staff:consent_record_paper": _("Consent on paper (staff)"),
    "staff:match_meetings": _("Meetings (staff)"),
    "staff:match_support": _("Support contacts (staff)"),
    "staff:match_closure": _("Closure (staff)"),
    "staff:concern_detail": _("Concern (staff)"),
    "portal:match_detail": _("Match page (portal)"),
    "portal:agreement": _("Agreement (portal)"),
    "portal:meeting_log": _("Log a meeting (portal)"),
    "portal:meeting_edit": _("Edit a meeting (portal)"),
    "links:consent": _("Consent link"),
    "portal:who_looked_file": _("Who looked at the file (portal)"),
    "portal:own_consent": _("Own confirmation of the agreement (portal)"),
    "staff:files_read": _("Files read by an account (staff)"),
}


@register.filter
def figure(value, decimals=1) -> str:
    """A figure rounded half away from zero in the page's language (formatting.figure); a dash
    when there is none."""
    if value is None or value == "":
        return "\u2013"
    return formatting.figure(value, int(decimals))


@register.filter
def quantity(value) -> str:
    """Hours, kilometres and the like in a sentence: "0,5", "2" (formatting.decimal_text)."""
    return formatting.decimal_text(value)


@register.filter
def day(value) -> str:
    """A day with its year only when that is not this year (formatting.day)."""
    return formatting.day(value)


@register.filter
def ago(value) -> str:
    """ "3 weeks ago" (formatting.ago)."""
    return formatting.ago(value)


@register.filter
def day_and_ago(value) -> str:
    """ "18 December 2025 (51 weeks ago)" (formatting.day_and_ago)."""
    return formatting.day_and_ago(value)


@register.filter
def error_label(label) -> str:
    """A field's label in front of its error: "Label: error", but a label that already ends in a
    full stop, question mark, exclamation mark or colon gets no colon of its own ("I agree.
    This field is required."), as Django's own label_suffix does."""
    text = str(label).rstrip()
    return f"{text} " if text.endswith((".", "?", "!", ":")) else f"{text}: "


@register.filter
def page_label(page: str) -> str:
    return str(PAGE_LABELS.get(page, page))


@register.filter
def postcode(value: str) -> str:
    """3072AB -> 3072 AB, as Dutch postcodes are written."""
    if value and len(value) == 6 and value[:4].isdigit():
        return f"{value[:4]} {value[4:]}"
    return value or ""


@register.filter
def field_labels(entry, obj) -> list[str]:
    """The verbose names of the fields an activity-log entry names."""
    model = FIELDS_OF.get(entry.action, type(obj))
    labels = []
    for name in entry.fields:
        try:
            labels.append(str(model._meta.get_field(name).verbose_name))
        except FieldDoesNotExist:
            labels.append(name)
    return labels
