"""The register of processing as documents for a DPIA: a CSV file (one row per personal field, for a
spreadsheet) and an A4 PDF (one section per processing), in the current language. Layout only: the
content comes from koppel.privacy.domain.register."""

from __future__ import annotations

import csv
import io

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

from koppel.common.pdf import a4_document
from koppel.common.pdf import paragraph as _p
from koppel.people.resources import neutralise
from koppel.privacy.domain.register import Processing
from koppel.programmes.models import Organisation


def register_columns() -> list[str]:
    return [
        _("Processing"),
        _("Purpose of the processing"),
        _("Whose data"),
        _("Source"),
        _("Recipients"),
        _("Field"),
        _("Field (technical name)"),
        _("Category"),
        _("Why this field"),
        _("Legal basis"),
        _("Retention"),
    ]


def register_csv(organisation: Organisation, register: list[Processing]) -> bytes:
    """One row per personal field, with its processing's purpose, subjects, source and recipients.
    UTF-8 with a byte-order mark, so a spreadsheet keeps the accents."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    writer.writerow(register_columns())
    for p in register:
        for f in p.fields:
            writer.writerow(
                neutralise(str(v))
                for v in (
                    p.name,
                    p.purpose,
                    p.subject_labels,
                    p.source,
                    p.recipients,
                    f.label,
                    f"{p.key}.{f.name}",
                    f.category.label,
                    f.purpose,
                    f.basis.label,
                    f.retention,
                )
            )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _table(rows, widths, *, header: bool = False) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    style = [("VALIGN", (0, 0), (-1, -1), "TOP"), ("GRID", (0, 0), (-1, -1), 0.25, "#999999")]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), "#eeeeee"))
    table.setStyle(TableStyle(style))
    return table


def register_pdf(organisation: Organisation, register: list[Processing]) -> bytes:
    """The register as an A4 document: the controller and its contacts, then per processing its
    purpose, subjects, source, recipients and retention and a table of its personal fields.
    Uncompressed, so its text can be searched."""
    styles = getSampleStyleSheet()
    body, heading = styles["BodyText"], styles["Heading2"]
    small = styles["BodyText"].clone("small", fontSize=8, leading=10)
    buffer = io.BytesIO()
    title = _("Register of processing")
    doc = a4_document(buffer, title=f"{title} · {organisation.name}")
    controller = [
        (_("Controller"), organisation.name),
        (_("Address"), ", ".join(x for x in (organisation.postal_address, organisation.town) if x) or "-"),
        (_("Privacy contact"), organisation.privacy_email or "-"),
        (_("Data protection officer"), organisation.privacy_officer or "-"),
        (_("Drawn up on"), date_format(timezone.localdate(), "DATE_FORMAT")),
    ]
    story = [
        _p(title, styles["Title"]),
        _table([[_p(k, body), _p(v, body)] for k, v in controller], [5 * cm, 12 * cm]),
        Spacer(1, 0.4 * cm),
    ]
    for p in register:
        facts = [
            (_("Purpose"), p.purpose),
            (_("Whose data"), p.subject_labels),
            (_("Source"), p.source),
            (_("Recipients"), p.recipients),
            (_("Retention"), p.retention),
        ]
        rows = [[_p(h, small) for h in (_("Field"), _("Category"), _("Why this field"), _("Legal basis"))]]
        rows += [
            [_p(f.label, small), _p(f.category.label, small), _p(f.purpose, small), _p(f.basis.label, small)]
            for f in p.fields
        ]
        story += [
            KeepTogether(
                [
                    _p(p.name, heading),
                    _table([[_p(k, body), _p(v, body)] for k, v in facts], [4 * cm, 13 * cm]),
                    Spacer(1, 0.2 * cm),
                ]
            ),
            _table(rows, [3.5 * cm, 3 * cm, 6.5 * cm, 4 * cm], header=True),
            Spacer(1, 0.4 * cm),
        ]
    doc.build(story)
    return buffer.getvalue()
