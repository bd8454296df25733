"""Mail to one person, in their own language."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)


def send_in_language(to: str, *, language: str, subject, template: str, context: dict, log_ref: str) -> bool:
    """Render `template` and `subject` in `language` and send them to `to`.

    Meant to run after commit: the change it reports is saved already, so a failing mail server is
    logged (with `log_ref`, never the address or the text) and does not turn into an error page.
    Returns whether the mail went out.
    """
    with translation.override(language or settings.LANGUAGE_CODE):
        subject_text = str(subject)
        body = render_to_string(template, context)
    try:
        send_mail(subject_text, body, settings.DEFAULT_FROM_EMAIL, [to])
    except Exception as e:
        logger.error("Mail %s failed: %s", log_ref, type(e).__name__)
        return False
    return True
