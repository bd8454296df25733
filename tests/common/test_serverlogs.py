"""Server logs hold no link tokens, reset keys or search terms: gunicorn's access log (the logger
class `koppel serve` sets), the development server's lines and Django's "Not Found: /path"."""

import logging
import re
from datetime import timedelta
from io import StringIO
from types import SimpleNamespace

import pytest
from django.urls import URLResolver, get_resolver, reverse
from gunicorn.config import Config

from koppel.cli import serve
from koppel.common.serverlogs import AccessLogger, mask_path

SECRET = "S3cretT0kenXyz"
SEARCH = "Zoekterm-Jansen"


def _token_paths(patterns=None, prefix: str = "") -> list[str]:
    """An example path of every URL pattern with a token or key in it (a slug names a page, not a
    secret), with SECRET in the secret segment."""
    paths = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern).lstrip("^").rstrip("$")
        if isinstance(pattern, URLResolver):
            paths += _token_paths(pattern.url_patterns, route)
            continue
        converters = getattr(pattern.pattern, "converters", {})
        secret = {
            name
            for name in pattern.pattern.regex.groupindex
            if ("token" in name or "key" in name) and type(converters.get(name)).__name__ != "SlugConverter"
        }
        if not secret or route.startswith("admin/"):
            continue
        route = re.sub(r"<(?:\w+:)?(\w+)>", lambda m, s=secret: SECRET if m.group(1) in s else "1", route)
        route = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m, s=secret: SECRET if m.group(1) in s else "1", route)
        paths.append("/" + route.replace("\\", ""))
    return paths


def test_every_url_with_a_token_or_key_is_masked(db):
    paths = _token_paths()
    # Koppel's links, the calendar feed, the application form, and allauth's keys are all found.
    assert any(p.startswith("/feed/") for p in paths)
    assert any(p.startswith("/accounts/password/reset/key/") for p in paths)
    assert any(p.startswith("/link/consent/") for p in paths)
    for path in paths:
        assert SECRET not in mask_path(f"{path}?q={SEARCH}"), path
        assert SEARCH not in mask_path(f"{path}?q={SEARCH}")


def _walk() -> list[str]:
    """Request URIs with a secret in their path or a search term in their query string."""
    return [
        reverse("links:consent", args=[SECRET]),
        reverse("links:survey", args=[SECRET]),
        reverse("links:survey_save", args=[SECRET]),
        reverse("feeds:calendar", args=[SECRET]),
        reverse("account_reset_password_from_key", kwargs={"uidb36": "3", "key": SECRET}),
        f"{reverse('account_confirm_email', args=[SECRET])}",
        f"{reverse('staff:youth_list')}?q={SEARCH}",
        f"{reverse('staff:mentor_list')}?q={SEARCH}&page=2",
    ]


def test_gunicorn_access_log_has_no_token_or_search_term(tmp_path, db):
    logfile = tmp_path / "access.log"
    config = Config()
    config.set("accesslog", str(logfile))
    logger = AccessLogger(config)
    for uri in _walk():
        path, _, query = uri.partition("?")
        environ = {
            "REQUEST_METHOD": "GET",
            "RAW_URI": uri,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_REFERER": f"https://koppel.example.org{uri}",
        }
        response = SimpleNamespace(
            status="200 OK", sent=10, headers=[("Location", f"https://x.example{uri}")]
        )
        request = SimpleNamespace(headers=[("REFERER", f"https://koppel.example.org{uri}")])
        logger.access(response, request, environ, timedelta(milliseconds=5))
    for handler in logger.access_log.handlers:
        handler.flush()
    text = logfile.read_text()
    assert text.count("GET ") == len(_walk())
    assert "/staff/youth/" in text and "/link/consent/***/" in text
    assert SECRET not in text and SEARCH not in text


def test_koppel_serve_uses_the_masking_logger(monkeypatch, settings):
    seen = {}
    monkeypatch.setattr(
        "gunicorn.app.wsgiapp.run", lambda: seen.setdefault("argv", list(__import__("sys").argv))
    )
    monkeypatch.setattr("koppel.cli.production_problems", lambda settings: [])
    monkeypatch.setattr("sys.argv", ["koppel"])
    serve([])
    argv = seen["argv"]
    assert argv[argv.index("--logger-class") + 1] == "koppel.common.serverlogs.AccessLogger"


@pytest.fixture
def log_text():
    """What the loggers `names` write, through the handlers and filters settings.LOGGING gives them."""
    stream = StringIO()
    handler = logging.StreamHandler(stream)
    loggers = [logging.getLogger(name) for name in ("django.server", "django.request")]
    for logger in loggers:
        logger.addHandler(handler)
    yield stream
    for logger in loggers:
        logger.removeHandler(handler)


def test_development_server_lines_have_no_token_or_search_term(log_text):
    # What runserver's request handler logs for each request.
    for uri in _walk():
        logging.getLogger("django.server").info('"%s" %s %s', f"GET {uri} HTTP/1.1", "200", "10")
    text = log_text.getvalue()
    assert text.count("GET ") == len(_walk())
    assert SECRET not in text and SEARCH not in text


def test_not_found_warnings_have_no_token(client, log_text, db):
    for uri in (f"/link/consent/{SECRET}/extra/", f"/feed/{SECRET}.ics", f"/link/survey/{SECRET}/"):
        client.get(f"{uri}?q={SEARCH}")
    text = log_text.getvalue()
    assert text.count("(404)") == 3
    assert SECRET not in text and SEARCH not in text
