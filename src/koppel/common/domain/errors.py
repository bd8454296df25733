from django.utils.functional import Promise


class DomainError(Exception):
    """A refused state change; `message` is translated and shown to the user as it is."""

    def __init__(self, message: str | Promise) -> None:
        super().__init__(message)
        self.message = message


class ConflictError(DomainError):
    """Someone else saved the same object since this user loaded it."""

    def __init__(self, message: str | Promise | None = None) -> None:
        from django.utils.translation import gettext as _

        super().__init__(
            message
            or _(
                "Someone else changed this record while you were editing it. "
                "Your changes were not saved; the form below shows what you typed. "
                "Reload the page to see the latest version."
            )
        )
