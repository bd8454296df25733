"""Filters for the log handlers: what reaches the server log is short and holds nothing personal."""

import logging


class ShortClientErrors(logging.Filter):
    """A refused or unknown request (403, 404, ...) is routine, not a fault: one line with the method,
    the status and the name of the page, without a traceback and without the path, whose personal
    link tokens and ids are nobody's business in a log. Server errors (5xx) keep their traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is None or not 400 <= status < 500:
            return True
        request = getattr(record, "request", None)
        match = getattr(request, "resolver_match", None)
        page = match.view_name if match is not None else "-"
        method = getattr(request, "method", "-")
        reason = "Forbidden" if status == 403 else "Client error"
        record.msg = "%s (%s): %s %s"
        record.args = (reason, status, method, page)
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return True
