"""What every PDF Koppel makes shares (the agreement, the programme report, the register of
processing): an A4 page with margins of 2 cm, uncompressed, so its text can be searched (and
tested), and invariant, so the same content gives the same bytes; and paragraphs of plain text."""

from typing import Any, BinaryIO
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate

MARGIN = 2 * cm


def a4_document(buffer: BinaryIO, *, title: str, **options: Any) -> SimpleDocTemplate:
    """A document written to `buffer`; `options` are SimpleDocTemplate's (an author, say)."""
    return SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=title,
        pageCompression=0,
        invariant=1,
        **options,
    )


def paragraph(text: object, style: ParagraphStyle) -> Paragraph:
    """Plain text as a paragraph: escaped, its line breaks kept."""
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)
