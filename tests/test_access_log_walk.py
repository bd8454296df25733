"""Every page that shows a person's personal data writes an access-log row for that person.

The walk asks every page of the role matrix (tests/test_role_matrix.py), as each member of the cast
who may see it, after giving each person of the cast a date of birth, phone number and postcode that
appear nowhere else. A page whose answer holds any of them must have logged, in that request, an
access of that person by that user.
"""

import re
from datetime import date

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import formats, translation

from koppel.common.models import AccessLog
from koppel.people.models import Guardian, Mentor, Youth
from tests.test_role_matrix import MATRIX, request_as

pytestmark = pytest.mark.django_db

# Who walks: the staff, the match's mentor, the youth, the guardian, and a visitor with a signed link.
WALKERS = ("admin", "coordinator", "mentor", "youth", "guardian", "anonymous")

# Distinctive values, one set per person: (first name, date of birth, phone, postcode).
PEOPLE = {
    "youth_row": ("Ysolde", date(2011, 2, 27), "0611122233", "9711 QZ"),
    "other_youth_row": ("Quirijn", date(2012, 8, 29), "0644455566", "9712 QZ"),
    "mentor_row": ("Wubbo", date(1987, 10, 23), "0677788899", "9713 QZ"),
    "other_mentor_row": ("Xandrina", date(1979, 11, 21), "0622233344", "9714 QZ"),
    "guardian_row": ("Zwaantje", None, "0655566677", "9715 QZ"),
}


def _mark_people(cast) -> dict[object, tuple[list[str], str]]:
    """Give the cast's people their distinctive values; returns each person with its markers (the
    details that are always personal data) and their first name."""
    markers = {}
    for attr, (first_name, born, phone, postcode) in PEOPLE.items():
        person = getattr(cast, attr)
        email = f"{first_name.lower()}.privacy@example.org"
        values = {"first_name": first_name, "phone": phone, "postcode": postcode, "email": email}
        found = [phone, postcode, email]
        if born is not None:
            values["date_of_birth"] = born
            found.append(born.isoformat())
            for language in ("nl", "en"):
                with translation.override(language):
                    for fmt in ("DATE_FORMAT", "SHORT_DATE_FORMAT"):
                        found.append(formats.date_format(born, fmt))
        type(person).objects.filter(pk=person.pk).update(**values)
        person.refresh_from_db()
        markers[person] = (found, first_name)
    return markers


def _about_one_object(path: str) -> bool:
    """A page about one person, match or record (its URL names it), or opened through a signed link:
    there even a name is that person's data. A list shows names without being about one of them."""
    return bool(re.search(r"/\d+/", path)) or path.startswith(("/link/", "/feed/"))


def _text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", errors="replace")


# Pages that name people only in a list, as list pages do: the choice of a youth and mentors to pair,
# a training session's register, and the calendar feed a mentor's own calendar app reads every few
# minutes (their own meetings).
NAMES_IN_A_LIST = {
    "staff:matching_pair",
    "staff:training_session_detail",
    "staff:training_session_register",
    "feeds:calendar",
}

GET_ROWS = [name for name, row in MATRIX.items() if row.method == "get"]


@pytest.mark.parametrize("url_name", GET_ROWS)
def test_a_page_that_shows_personal_data_logs_the_access(cast, client_for, url_name):
    markers = _mark_people(cast)
    types = {model: ContentType.objects.get_for_model(model) for model in (Youth, Mentor, Guardian)}
    missing = []
    for role in WALKERS:
        user = cast.users()[role]
        last = AccessLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        response = request_as(client_for, cast, url_name, role)
        if response.status_code != 200:
            continue
        text = _text(response)
        about_one = _about_one_object(response.request["PATH_INFO"]) and url_name not in NAMES_IN_A_LIST
        logged = set(
            AccessLog.objects.filter(pk__gt=last, viewer=user).values_list("content_type_id", "object_id")
        )
        for person, (values, first_name) in markers.items():
            if user is not None and person.user_id == user.pk:
                continue  # their own page
            shown = [value for value in values if value in text]
            if about_one and first_name in text:
                shown.append(first_name)
            if shown and (types[type(person)].pk, person.pk) not in logged:
                missing.append(f"{role} saw {type(person).__name__} #{person.pk} ({shown[0]}) unlogged")
    assert not missing, missing
