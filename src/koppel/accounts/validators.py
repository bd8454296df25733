from django.contrib.auth.password_validation import MinimumLengthValidator as DjangoMinimumLengthValidator
from django.utils.translation import ngettext


class MinimumLengthValidator(DjangoMinimumLengthValidator):
    """Django's minimum length, with its message in the reader's language.

    Django 6.1 changed this message's placeholder from "%(min_length)d" to "%d", but its translations
    still carry the old text, so the new one is shown in English on a Dutch page. This asks for the
    text its translations have.
    """

    def get_error_message(self) -> str:
        return ngettext(
            "This password is too short. It must contain at least %(min_length)d character.",
            "This password is too short. It must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}
