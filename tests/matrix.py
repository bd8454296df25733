"""The vocabulary of the role matrix, shared by tests/test_role_matrix.py and the row modules in
tests/matrix_rows/ (one module per area, each with a ROWS dict), so that new pages add their rows
without everyone editing one file."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

ROLES = (
    "anonymous",
    "admin",
    "coordinator",
    "other_coordinator",
    "mentor",
    "other_mentor",
    "youth",
    "guardian",
)

# URL names that belong to allauth or the Django admin: not Koppel's pages (the admin has one row below).
FOREIGN_PREFIXES = ("account_", "mfa_")
FOREIGN_NAMESPACES = ("admin",)


@dataclass(frozen=True)
class Redirect:
    """A 302 whose Location path is the URL of `to` (the query string, like ?next=..., may follow)."""

    to: str


LOGIN = Redirect("account_login")
Expected = int | Redirect


@dataclass(frozen=True)
class Row:
    url: Callable[[object], str]
    expected: dict[str, Expected]
    method: str = "get"
    # A redirect to this URL name is followed once before the answer is checked.
    hop_through: str | None = None


def expect(**codes: Expected) -> dict[str, Expected]:
    assert set(codes) == set(ROLES), f"a matrix row must name all eight users, not {sorted(codes)}"
    return codes


NOT_STAFF = {"mentor": 403, "other_mentor": 403, "youth": 403, "guardian": 403}

# A staff page without an object: any administrator or coordinator may open it.
STAFF_PAGE = expect(anonymous=LOGIN, admin=200, coordinator=200, other_coordinator=200, **NOT_STAFF)
# A staff page about an object of `programme`: the other programme's coordinator may not know it exists.
STAFF_OBJECT = expect(anonymous=LOGIN, admin=200, coordinator=200, other_coordinator=404, **NOT_STAFF)
# Who looked at a person's pages: administrators only.
ACCESS_LOG = expect(anonymous=LOGIN, admin=200, coordinator=403, other_coordinator=404, **NOT_STAFF)
# Portal pages are for mentors, youth and guardians; staff have no portal role in the cast.
NO_PORTAL_ROLE = {"admin": 403, "coordinator": 403, "other_coordinator": 403}


def url(name: str, obj: str | None = None) -> Callable[[object], str]:
    """A URL builder: `name` reversed with the pk of the cast's attribute `obj` (if any)."""

    def build(cast) -> str:
        if obj is None:
            return reverse(name)
        return reverse(name, args=[getattr(cast, obj).pk])

    return build


def person_rows(kind: str, obj: str, *, create: bool = True) -> dict[str, Row]:
    rows = {
        f"staff:{kind}_list": Row(url(f"staff:{kind}_list"), STAFF_PAGE),
        f"staff:{kind}_detail": Row(url(f"staff:{kind}_detail", obj), STAFF_OBJECT),
        f"staff:{kind}_edit": Row(url(f"staff:{kind}_edit", obj), STAFF_OBJECT),
        f"staff:{kind}_history": Row(url(f"staff:{kind}_history", obj), STAFF_OBJECT),
        f"staff:{kind}_access_log": Row(url(f"staff:{kind}_access_log", obj), ACCESS_LOG),
    }
    if create:
        rows[f"staff:{kind}_create"] = Row(url(f"staff:{kind}_create"), STAFF_PAGE)
    return rows
