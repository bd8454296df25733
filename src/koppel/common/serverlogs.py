"""What the web server and Django write about requests, without secrets or search terms.

A request line can carry a secret (a consent, survey or calendar link's token, a password-reset key)
or personal data (a staff search term in the query string). `mask_path` is the one function that
makes a path safe to log: it drops the query string and masks every token segment. It is used by
gunicorn's access log (`AccessLogger`, set by `koppel serve`), and by the logging filter
(`MaskPaths`) on Django's development server ("django.server") and request warnings
("django.request": "Not Found: /path"). `ShortClientErrors` makes a refused or unknown request
(4xx) one line without traceback and without the path.

`TOKEN_SEGMENTS` lists every URL with a secret segment: Koppel's signed links and feeds, and
allauth's password-reset and e-mail-confirmation keys. tests/common/test_serverlogs.py checks that
every URL pattern with a token or key in it is covered.
"""

import logging
import re
from urllib.parse import urlsplit

from gunicorn.glogging import Logger

MASK = "***"

# (prefix, secret segment): the part matched by the second group is replaced by MASK.
TOKEN_SEGMENTS = [
    re.compile(r"^(/feed/)([^/]+?)(\.ics)?$"),  # the calendar feed
    re.compile(r"^(/link/[^/]+/)([^/]+)"),  # consent and survey links
    re.compile(r"^(/join/)([^/]+)"),  # a campaign's application form
    re.compile(r"^(/accounts/password/reset/key/)([^/]+)"),  # allauth: reset by key
    re.compile(r"^(/accounts/confirm-email/)([^/]+)"),  # allauth: confirm an address
]

# A path inside a log message: it starts with "/" and runs to the next space or quote.
_PATH_IN_TEXT = re.compile(r"(?<![\w/])/[^\s\"']*")


def mask_path(path: str) -> str:
    """The path without its query string or fragment and with every secret segment masked."""
    path = path.split("?", 1)[0].split("#", 1)[0]
    for pattern in TOKEN_SEGMENTS:
        match = pattern.match(path)
        if match:
            suffix = (match.group(3) or "") if pattern.groups >= 3 else ""
            path = f"{match.group(1)}{MASK}{suffix}{path[match.end() :]}"
            break
    return path


def mask_text(text: str) -> str:
    """`text` with every path in it masked (a request line, "Not Found: /path")."""
    return _PATH_IN_TEXT.sub(lambda m: mask_path(m.group(0)), text)


def mask_url(url: str) -> str:
    """A full URL (a Referer, a Location) reduced to its host and masked path; other text masked
    with `mask_text`."""
    if "://" not in url:
        return mask_text(url)
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{mask_path(parts.path or '/')}"


class MaskPaths(logging.Filter):
    """A logging filter: every path in a record's message arguments is masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(mask_text(arg) if isinstance(arg, str) else arg for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: mask_text(v) if isinstance(v, str) else v for k, v in record.args.items()}
        elif isinstance(record.msg, str):
            record.msg = mask_text(record.msg)
        return True


class AccessLogger(Logger):
    """gunicorn's logger with the request line, path, query and referer made safe to log."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        path = mask_path(environ.get("RAW_URI") or environ.get("PATH_INFO") or "")
        atoms["r"] = f"{environ.get('REQUEST_METHOD', '-')} {path} {environ.get('SERVER_PROTOCOL', '-')}"
        atoms["U"] = path
        atoms["q"] = ""
        atoms["f"] = mask_url(atoms.get("f") or "-")
        # Headers and environment values a custom format may print (a Referer, a Location, RAW_URI).
        for key, value in atoms.items():
            if key.startswith("{") and isinstance(value, str):
                atoms[key] = mask_url(value)
        atoms["{query_string}e"] = ""
        return atoms


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
