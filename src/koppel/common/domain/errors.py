class DomainError(Exception):
    """A refused state change; `message` is translated and shown to the user as it is."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class ConflictError(DomainError):
    """Someone else saved the same object since this user loaded it."""
