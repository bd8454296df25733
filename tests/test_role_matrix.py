"""The role matrix: every page of Koppel's own apps, asked by every member of the cast.

Each row of MATRIX builds one URL from the cast's objects (all in `programme`, so that the other
programme's coordinator must get 404) and says what each of the eight users gets back. A new page
without a row here fails `test_every_named_page_has_a_matrix_row`.
"""

import importlib
import pkgutil
from urllib.parse import urlsplit

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

import tests.matrix_rows
from tests.matrix import (
    FOREIGN_NAMESPACES,
    FOREIGN_PREFIXES,
    LOGIN,
    NO_PORTAL_ROLE,
    ROLES,
    STAFF_OBJECT,
    STAFF_PAGE,
    Expected,
    Redirect,
    Row,
    expect,
    person_rows,
    url,
)

MATRIX: dict[str, Row] = {
    # "/" sends everyone who is logged in to their role's home page.
    "home": Row(
        url("home"),
        expect(
            anonymous=LOGIN,
            admin=Redirect("staff:overview"),
            coordinator=Redirect("staff:overview"),
            other_coordinator=Redirect("staff:overview"),
            mentor=Redirect("portal:home"),
            other_mentor=Redirect("portal:home"),
            youth=Redirect("portal:home"),
            guardian=Redirect("portal:home"),
        ),
    ),
    # Public and POST-only: everyone is sent back to `next`.
    "set_language": Row(url("set_language"), expect(**dict.fromkeys(ROLES, Redirect("home"))), method="post"),
    # The Django admin: only accounts with is_staff (the cast's administrator) get in. The admin first
    # sends everyone else to its own login page, which allauth's secure_admin_login answers: anonymous
    # to Koppel's login page, a logged-in account without is_staff 403.
    "admin:index": Row(
        url("admin:index"),
        expect(
            anonymous=LOGIN,
            admin=200,
            coordinator=403,
            other_coordinator=403,
            mentor=403,
            other_mentor=403,
            youth=403,
            guardian=403,
        ),
        hop_through="admin:login",
    ),
    "staff:overview": Row(url("staff:overview"), STAFF_PAGE),
    "staff:caseload": Row(url("staff:caseload"), STAFF_PAGE),
    "staff:programme_detail": Row(url("staff:programme_detail", "programme"), STAFF_OBJECT),
    "staff:programme_edit": Row(url("staff:programme_edit", "programme"), STAFF_OBJECT),
    "staff:programme_settings": Row(url("staff:programme_settings", "programme"), STAFF_OBJECT),
    "staff:programme_history": Row(url("staff:programme_history", "programme"), STAFF_OBJECT),
    **person_rows("mentor", "mentor_row"),
    **person_rows("youth", "youth_row"),
    **person_rows("guardian", "guardian_row", create=False),
    "staff:guardian_create": Row(url("staff:guardian_create", "youth_row"), STAFF_OBJECT),
    "staff:guardian_link": Row(url("staff:guardian_link", "youth_row"), STAFF_OBJECT),
    "portal:home": Row(
        url("portal:home"),
        expect(anonymous=LOGIN, **NO_PORTAL_ROLE, mentor=200, other_mentor=200, youth=200, guardian=200),
    ),
    # youth_row is the mentor's match, the youth themselves and the guardian's child.
    "portal:youth_detail": Row(
        url("portal:youth_detail", "youth_row"),
        expect(anonymous=LOGIN, **NO_PORTAL_ROLE, mentor=200, other_mentor=404, youth=200, guardian=200),
    ),
}


def _area_rows() -> dict[str, Row]:
    rows: dict[str, Row] = {}
    for module in pkgutil.iter_modules(tests.matrix_rows.__path__):
        area = importlib.import_module(f"tests.matrix_rows.{module.name}")
        duplicated = set(rows) & set(area.ROWS)
        assert not duplicated, f"rows defined twice: {duplicated}"
        rows.update(area.ROWS)
    return rows


MATRIX.update(_area_rows())


def koppel_url_names(patterns=None, namespace: str = "") -> set[str]:
    """The full names ("staff:mentor_detail") of every named pattern, skipping allauth and the admin."""
    names = set()
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in FOREIGN_NAMESPACES:
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= koppel_url_names(pattern.url_patterns, inner)
        elif (
            isinstance(pattern, URLPattern) and pattern.name and not pattern.name.startswith(FOREIGN_PREFIXES)
        ):
            names.add(f"{namespace}{pattern.name}")
    return names


def request_as(client_for, cast, url_name: str, role: str):
    row = MATRIX[url_name]
    client = client_for(cast.users()[role])
    if row.method == "post":
        return client.post(row.url(cast), {"language": "nl", "next": "/"}, follow=False)
    response = client.get(row.url(cast), follow=False)
    if row.hop_through and response.status_code == 302 and _path(response) == reverse(row.hop_through):
        response = client.get(response["Location"], follow=False)
    return response


def _path(response) -> str:
    return urlsplit(response["Location"]).path


def assert_answer(response, expected: Expected) -> None:
    if isinstance(expected, Redirect):
        assert response.status_code == 302, (
            f"expected a redirect to {expected.to}, got {response.status_code}"
        )
        assert _path(response) == reverse(expected.to), (
            f"redirected to {response['Location']}, not to {expected.to}"
        )
    else:
        assert response.status_code == expected


def test_every_named_page_has_a_matrix_row():
    names = koppel_url_names()
    assert {"home", "set_language", "staff:overview", "portal:home"} <= names  # the walk found Koppel's pages
    assert sorted(names - MATRIX.keys()) == [], "pages without a role-matrix row"
    assert sorted(MATRIX.keys() - names - {"admin:index"}) == [], "matrix rows for pages that no longer exist"


@pytest.mark.parametrize(("url_name", "role"), [(name, role) for name in MATRIX for role in ROLES])
def test_role_matrix(cast, client_for, url_name, role):
    assert_answer(request_as(client_for, cast, url_name, role), MATRIX[url_name].expected[role])


def test_coordinator_gets_404_for_another_programmes_youth(cast, client_for):
    client = client_for(cast.coordinator)
    assert client.get(reverse("staff:youth_detail", args=[cast.other_youth_row.pk])).status_code == 404
    assert client.get(reverse("staff:youth_detail", args=[cast.youth_row.pk])).status_code == 200
    other = client_for(cast.other_coordinator)
    assert other.get(reverse("staff:youth_detail", args=[cast.youth_row.pk])).status_code == 404
    assert other.get(reverse("staff:youth_detail", args=[cast.other_youth_row.pk])).status_code == 200


def test_mentor_gets_404_for_a_youth_not_in_their_match(cast, client_for):
    mentor = client_for(cast.mentor)
    assert mentor.get(reverse("portal:youth_detail", args=[cast.other_youth_row.pk])).status_code == 404
    assert mentor.get(reverse("portal:youth_detail", args=[cast.youth_row.pk])).status_code == 200
    other_mentor = client_for(cast.other_mentor)
    assert other_mentor.get(reverse("portal:youth_detail", args=[cast.youth_row.pk])).status_code == 404


def test_every_page_sends_anonymous_to_login(cast, client_for):
    for url_name, row in MATRIX.items():
        if row.expected["anonymous"] != LOGIN:
            continue
        response = request_as(client_for, cast, url_name, "anonymous")
        assert response.status_code == 302, url_name
        assert response["Location"].startswith(reverse("account_login")), (url_name, response["Location"])
    public = {name for name, row in MATRIX.items() if row.expected["anonymous"] != LOGIN}
    # Pages opened through a personal signed link (consent, AGR-1) or by a calendar app (the feed),
    # and the organisation's public privacy and accessibility statements.
    assert public == {
        "statements:privacy",
        "statements:privacy_organisation",
        "statements:accessibility",
        "statements:accessibility_organisation",
        "set_language",
        "public:apply",
        "public:apply_thanks",
        "links:consent",
        "links:survey",
        "links:survey_save",
        "feeds:calendar",
    }


@pytest.mark.parametrize(
    ("state", "status"),
    [
        ("proposed", 404),
        ("introduced", 200),
        ("agreed", 200),
        ("active", 200),
        ("closing", 200),
        ("closed", 404),
    ],
)
def test_mentor_sees_the_youth_only_while_the_match_is_known_to_them(cast, client_for, state, status):
    cast.match.state = state
    cast.match.ended_on = timezone.localdate() if state == "closed" else None
    cast.match.save(update_fields=["state", "ended_on"])
    response = client_for(cast.mentor).get(reverse("portal:youth_detail", args=[cast.youth_row.pk]))
    assert response.status_code == status


def test_youth_hears_of_the_mentor_only_once_introduced(cast, client_for):
    cast.mentor_row.first_name = "Marloes"
    cast.mentor_row.save()
    cast.match.state = "proposed"
    cast.match.save(update_fields=["state"])
    assert "Marloes" not in client_for(cast.youth).get(reverse("portal:home")).text
    cast.match.state = "introduced"
    cast.match.save(update_fields=["state"])
    assert "Marloes" in client_for(cast.youth).get(reverse("portal:home")).text


def test_guardian_does_not_see_another_guardians_phone_but_the_mentor_does(cast, client_for):
    from tests import factories as f

    other = f.GuardianFactory(organisation=cast.programme.organisation, phone="06-99887766")
    f.GuardianshipFactory(youth=cast.youth_row, guardian=other, relation="father")
    url = reverse("portal:youth_detail", args=[cast.youth_row.pk])
    assert "06-99887766" not in client_for(cast.guardian).get(url).text
    assert "06-99887766" in client_for(cast.mentor).get(url).text
