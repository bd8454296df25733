"""The agreement as a PDF (AGR-1): an A4 document in the viewer's language with the programme, the
parties, all terms and each party's consent (typed name, date and time)."""

from io import BytesIO

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Spacer, Table, TableStyle

from koppel.common.pdf import a4_document
from koppel.common.pdf import paragraph as _p
from koppel.matches.domain.agreement import consents_of, person_of
from koppel.matches.models import Agreement


def agreement_pdf(agreement: Agreement) -> bytes:
    """Render the agreement; uncompressed, so its text can be searched (and tested)."""
    match = agreement.match
    styles = getSampleStyleSheet()
    body, heading = styles["BodyText"], styles["Heading2"]
    buffer = BytesIO()
    doc = a4_document(buffer, title=_("Mentoring agreement"))
    consents = list(consents_of(agreement))
    story = [
        _p(_("Mentoring agreement"), styles["Title"]),
        _p(
            _("%(programme)s · version %(number)s · written on %(day)s")
            % {
                "programme": match.programme.name,
                "number": agreement.number,
                "day": date_format(timezone.localtime(agreement.created_at), "DATE_FORMAT"),
            },
            body,
        ),
        Spacer(1, 0.4 * cm),
        _p(_("Parties"), heading),
    ]
    for consent in consents:
        person = person_of(consent)
        story.append(_p(f"{consent.get_party_display()}: {person.first_name} {person.last_name}", body))
    terms = [
        (_("Start date"), date_format(agreement.start_date, "DATE_FORMAT")),
        (
            _("Duration"),
            ngettext("%(n)s month", "%(n)s months", agreement.duration_months)
            % {"n": agreement.duration_months},
        ),
        (
            _("Meetings"),
            ngettext(
                "at least once every %(n)s day",
                "at least once every %(n)s days",
                agreement.meeting_interval_days,
            )
            % {"n": agreement.meeting_interval_days},
        ),
        (
            _("Place"),
            agreement.get_place_display() + (f": {agreement.place_detail}" if agreement.place_detail else ""),
        ),
        (_("Approach"), agreement.get_approach_display()),
        (_("Goals"), agreement.goals or "-"),
        (_("Holidays"), agreement.holiday_expectations or "-"),
        (
            _("Contact after the match ends"),
            agreement.get_contact_after_display()
            + (f": {agreement.contact_after_note}" if agreement.contact_after_note else ""),
        ),
    ]
    story += [Spacer(1, 0.3 * cm), _p(_("What we agree"), heading)]
    story.append(_table([[_p(k, body), _p(v, body)] for k, v in terms], [5 * cm, 12 * cm]))
    story += [Spacer(1, 0.3 * cm), _p(_("Consent"), heading)]
    rows = [[_p(_("Party"), body), _p(_("Name"), body), _p(_("Consent"), body)]]
    for consent in consents:
        person = person_of(consent)
        if consent.given_at:
            status = _("Signed as “%(name)s” on %(when)s (%(via)s)") % {
                "name": consent.typed_name,
                "when": date_format(timezone.localtime(consent.given_at), "DATETIME_FORMAT"),
                "via": consent.get_via_display(),
            }
        else:
            status = _("Not yet given")
        rows.append([_p(consent.get_party_display(), body), _p(person.full_name, body), _p(status, body)])
    story.append(_table(rows, [3.5 * cm, 5 * cm, 8.5 * cm]))
    doc.build(story)
    return buffer.getvalue()


def _table(rows, widths) -> Table:
    table = Table(rows, colWidths=widths)
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("GRID", (0, 0), (-1, -1), 0.25, "#999999"),
            ]
        )
    )
    return table
