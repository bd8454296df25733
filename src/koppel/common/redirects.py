"""Where to go back to after a POST: a `next` value from the request is used only when it is a path
on this site; anything else (another host, a scheme, a relative name like "abc") gives the fallback."""

from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next_url(request, url: str | None, fallback: str) -> str:
    """`url` when it is a path of this site ("/staff/..."), else `fallback` (a URL name or path)."""
    if (
        isinstance(url, str)
        and url.startswith("/")
        and url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return url
    return resolve_url(fallback)
