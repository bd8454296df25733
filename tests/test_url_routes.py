"""Every named URL keeps its path: bookmarks, mails and templates point at them.

`tests/url_routes.json` holds, for each named URL of Koppel's own URLconf, its full route (the
prefixes of the includes joined), the view function's name and the extra keyword arguments the
pattern passes. A reorganised URLconf must leave this list as it is; a new or renamed page updates
the file on purpose: `uv run python -m tests.test_url_routes` writes it from the URLconf.
"""

import json
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

SNAPSHOT = Path(__file__).with_name("url_routes.json")
# URLconfs of third-party apps (the Django admin, allauth, ...) are theirs to change.
OWN_MODULES = ("koppel.",)


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            nested = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), nested)
        elif isinstance(pattern, URLPattern) and pattern.name:
            view = pattern.callback
            if not getattr(view, "__module__", "").startswith(OWN_MODULES):
                continue
            yield (
                f"{namespace}{pattern.name}",
                {
                    "route": prefix + str(pattern.pattern),
                    "view": getattr(view, "__name__", repr(view)),
                    "kwargs": pattern.default_args,
                },
            )


def current_routes() -> dict[str, dict]:
    routes: dict[str, dict] = {}
    for name, route in _walk(get_resolver().url_patterns):
        routes.setdefault(name, route)  # the first pattern of a name is the one reverse() picks
    return dict(sorted(routes.items()))


def test_every_named_url_keeps_its_route():
    expected = json.loads(SNAPSHOT.read_text())
    current = current_routes()
    assert sorted(current) == sorted(expected), "a named URL appeared or disappeared"
    changed = {name: (expected[name], current[name]) for name in expected if expected[name] != current[name]}
    assert changed == {}


if __name__ == "__main__":
    import django

    django.setup()
    SNAPSHOT.write_text(json.dumps(current_routes(), indent=1, sort_keys=True) + "\n")
