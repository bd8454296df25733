"""Query counts of the list pages: the same number of queries at 1 row and at 50.

Each test shows a page with one row, adds 49 more, and asks again: a template that touches a
relation the view did not select or prefetch shows up here as one extra query per row.
"""

import re
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from koppel.surveys.enums import AssignmentStatus, Moment, Respondent
from tests import factories as f
from tests.conftest import enrol_mfa
from tests.factories.survey import (
    AnswerFactory,
    AssignmentFactory,
    ScheduleFactory,
    ScoreFactory,
    small_instrument,
)

MANY = 50


@pytest.fixture
def programme(db):
    return f.ProgrammeFactory(name="Maatjes Noord")


@pytest.fixture
def coordinator(programme):
    user = f.CoordinatorFactory(programme=programme).user
    enrol_mfa(user)
    return user


@pytest.fixture
def administrator(programme):
    user = f.AdministratorFactory(organisation=programme.organisation).user
    enrol_mfa(user)
    return user


def _get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, [q["sql"] for q in queries.captured_queries]


def _shape(sql: str) -> str:
    return re.sub(r"\d+", "N", sql)


def _repeated(one: list[str], many: list[str]) -> str:
    """The queries (numbers blanked) that ran more often with many rows: the N+1, if there is one."""
    grown = Counter(map(_shape, many)) - Counter(map(_shape, one))
    return "\n".join(f"{n}x {sql}" for sql, n in grown.most_common(5))


def assert_constant_queries(client, url, add_more_rows, shows_rows):
    """GET `url` with one row and after `add_more_rows()`: the query count must not change."""
    client.get(url)  # first request of the session fills caches; not what is measured
    response, one = _get(client, url)
    shows_rows(response, 1)
    add_more_rows()
    response, many = _get(client, url)
    shows_rows(response, MANY)
    assert len(many) == len(one), (
        f"{len(one)} queries at 1 row, {len(many)} at {MANY}:\n{_repeated(one, many)}"
    )


def content(response) -> str:
    return response.content.decode()


# --- Staff pages ----------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["coordinator", "administrator"])
def test_overview_query_count(request, programme, client_for, who):
    user = request.getfixturevalue(who)

    def add_programme(i):
        p = f.ProgrammeFactory(organisation=programme.organisation, name=f"Programma {i:02d}")
        if who == "coordinator":
            f.CoordinatorFactory(programme=p, user=user)
        f.MatchFactory(youth=f.YouthFactory(programme=p), mentors=[f.MentorFactory(programme=p)])

    def shows_rows(response, n):
        assert len(response.context["programmes"]) == n
        assert "Maatjes Noord" in content(response)
        if n > 1:
            assert "Programma 49" in content(response)

    assert_constant_queries(
        client_for(user),
        reverse("staff:overview"),
        lambda: [add_programme(i) for i in range(1, MANY)],
        shows_rows,
    )


def test_mentor_list_query_count(programme, coordinator, client_for):
    f.MentorFactory(programme=programme, coordinator=coordinator, first_name="Mentor00", last_name="Aalders")

    def shows_rows(response, n):
        assert response.context["page"].paginator.count == n
        assert "Mentor00 Aalders" in content(response)

    assert_constant_queries(
        client_for(coordinator),
        reverse("staff:mentor_list"),
        lambda: f.MentorFactory.create_batch(MANY - 1, programme=programme, coordinator=coordinator),
        shows_rows,
    )


def test_youth_list_query_count(programme, coordinator, client_for):
    f.YouthFactory(programme=programme, coordinator=coordinator, first_name="Jongere00", last_name="Aalders")

    def shows_rows(response, n):
        assert response.context["page"].paginator.count == n
        assert "Jongere00 Aalders" in content(response)

    assert_constant_queries(
        client_for(coordinator),
        reverse("staff:youth_list"),
        lambda: f.YouthFactory.create_batch(MANY - 1, programme=programme, coordinator=coordinator),
        shows_rows,
    )


def test_guardian_list_query_count(programme, coordinator, client_for):
    f.GuardianshipFactory(
        youth=f.YouthFactory(programme=programme),
        guardian__first_name="Ouder00",
        guardian__last_name="Aalders",
    )

    def shows_rows(response, n):
        assert response.context["page"].paginator.count == n
        assert "Ouder00 Aalders" in content(response)

    assert_constant_queries(
        client_for(coordinator),
        reverse("staff:guardian_list"),
        lambda: [f.GuardianshipFactory(youth=f.YouthFactory(programme=programme)) for _ in range(MANY - 1)],
        shows_rows,
    )


def test_caseload_query_count(programme, coordinator, client_for):
    def add_case(i):
        youth = f.YouthFactory(programme=programme, coordinator=coordinator, first_name=f"Jongere{i:02d}")
        mentor = f.MentorFactory(programme=programme, coordinator=coordinator, first_name=f"Mentor{i:02d}")
        f.MatchFactory(youth=youth, mentors=[mentor])

    add_case(0)

    def shows_rows(response, n):
        ctx = response.context
        assert (len(ctx["matches"]), len(ctx["youth"]), len(ctx["mentors"])) == (n, n, n)
        assert "Jongere00" in content(response) and "Mentor00" in content(response)
        if n > 1:
            assert "Jongere49" in content(response) and "Mentor49" in content(response)

    assert_constant_queries(
        client_for(coordinator),
        reverse("staff:caseload"),
        lambda: [add_case(i) for i in range(1, MANY)],
        shows_rows,
    )


# --- Portal home ----------------------------------------------------------------------------------


def test_portal_home_query_count_for_a_guardian_with_many_children(programme, client_for):
    user = f.UserFactory()
    guardian = f.GuardianFactory(organisation=programme.organisation, user=user)

    def add_child(i):
        youth = f.YouthFactory(programme=programme, first_name=f"Kind{i:02d}")
        f.GuardianshipFactory(youth=youth, guardian=guardian)
        f.MatchFactory(youth=youth, mentors=[f.MentorFactory(programme=programme)])

    add_child(0)

    def shows_rows(response, n):
        assert len(response.context["children"]) == n
        assert "Kind00" in content(response)
        if n > 1:
            assert "Kind49" in content(response)

    assert_constant_queries(
        client_for(user), reverse("portal:home"), lambda: [add_child(i) for i in range(1, MANY)], shows_rows
    )


def test_portal_home_query_count_for_a_mentor_with_many_matches(programme, client_for):
    user = f.UserFactory()
    mentor = f.MentorFactory(programme=programme, user=user)

    def add_match(i):
        f.MatchFactory(
            youth=f.YouthFactory(programme=programme, first_name=f"Jongere{i:02d}"), mentors=[mentor]
        )

    add_match(0)

    def shows_rows(response, n):
        assert len(response.context["mentor_matches"]) == n
        assert "Jongere00" in content(response)
        if n > 1:
            assert "Jongere49" in content(response)

    assert_constant_queries(
        client_for(user), reverse("portal:home"), lambda: [add_match(i) for i in range(1, MANY)], shows_rows
    )


# --- Survey pages ---------------------------------------------------------------------------------


def _named_instrument(i, respondents):
    name = f"Vragenlijst{i:02d}"
    return small_instrument(respondents=respondents, name_nl=name, name_en=name)


def test_youth_surveys_query_count(programme, coordinator, client_for):
    youth = f.YouthFactory(programme=programme, coordinator=coordinator)
    match = f.MatchFactory(youth=youth, mentors=[f.MentorFactory(programme=programme)])

    def add_survey(i):
        # Each survey its own instrument, sent in with an answer and a score; the respondents take
        # turns, so every row's respondent (youth, a mentor, a parent) is read from the page.
        respondent = (Respondent.YOUTH, Respondent.MENTOR, Respondent.GUARDIAN)[i % 3]
        mentor = f.MentorFactory(programme=programme, first_name=f"Mentor{i:02d}")
        guardian = f.GuardianFactory(organisation=programme.organisation, first_name=f"Ouder{i:02d}")
        survey = AssignmentFactory(
            youth=youth,
            match=match,
            instrument=_named_instrument(i, [respondent]),
            respondent=respondent,
            mentor=mentor if respondent == Respondent.MENTOR else None,
            guardian=guardian if respondent == Respondent.GUARDIAN else None,
            status=AssignmentStatus.SUBMITTED,
            due_on=timezone.localdate() - timedelta(days=i),
        )
        AnswerFactory(assignment=survey)
        ScoreFactory(assignment=survey)

    add_survey(0)

    def shows_rows(response, n):
        assert (len(response.context["surveys"]), len(response.context["scores"])) == (n, n)
        assert "Vragenlijst00" in content(response)
        if n > 1:
            assert "Vragenlijst49" in content(response)
            assert "Mentor01" in content(response) and "Ouder02" in content(response)

    assert_constant_queries(
        client_for(coordinator),
        reverse("staff:youth_surveys", args=[youth.pk]),
        lambda: [add_survey(i) for i in range(1, MANY)],
        shows_rows,
    )


def test_survey_schedules_query_count(programme, coordinator, client_for):
    youth = f.YouthFactory(programme=programme)

    def add_schedule(i):
        # Each schedule its own instrument (also one more choice in the form's instrument list),
        # with a survey sent from it.
        schedule = ScheduleFactory(
            programme=programme,
            instrument=_named_instrument(i, ["youth"]),
            moment=Moment.DURING,
            months=3 + i,
        )
        AssignmentFactory(youth=youth, instrument=schedule.instrument, schedule=schedule)

    add_schedule(0)

    def shows_rows(response, n):
        schedules = list(response.context["schedules"])
        assert len(schedules) == n
        assert all(s.n_sent == 1 for s in schedules)
        assert "Vragenlijst00" in content(response)
        if n > 1:
            assert "Vragenlijst49" in content(response)

    assert_constant_queries(
        client_for(coordinator),
        reverse("staff:programme_survey_schedules", args=[programme.pk]),
        lambda: [add_schedule(i) for i in range(1, MANY)],
        shows_rows,
    )


# --- The worklist's sections in full ----------------------------------------------------------------


def _worklist_rows(key, programme, i):
    """One row of the worklist section `key` in `programme`."""
    from decimal import Decimal

    from koppel.training.models import ExternalHours
    from tests.factories.intake import ReferenceFactory, SelfDisclosureFactory

    def mentor(status):
        return f.MentorFactory(programme=programme, status=status, first_name=f"Rij{i:02d}", last_name="Test")

    if key == "applications":
        mentor("applied")
    elif key == "references":
        ReferenceFactory(mentor=mentor("in_screening"))
    elif key == "disclosures":
        SelfDisclosureFactory(mentor=mentor("in_screening"))
    elif key == "training":
        ExternalHours.objects.create(
            mentor=mentor("approved"),
            date=timezone.localdate(),
            hours=Decimal("0.5"),
            kind="external",
            description="x",
        )
    elif key == "waiting":
        f.YouthFactory(
            programme=programme,
            status="waiting",
            waiting_since=timezone.localdate(),
            first_name=f"Rij{i:02d}",
        )


@pytest.mark.parametrize("key", ["applications", "references", "disclosures", "training", "waiting"])
def test_worklist_section_query_count(programme, coordinator, client_for, key):
    _worklist_rows(key, programme, 0)

    def shows_rows(response, n):
        assert response.context["page"].paginator.count == n
        assert "Rij00" in content(response)

    assert_constant_queries(
        client_for(coordinator),
        reverse("staff:worklist_section", args=[key]),
        lambda: [_worklist_rows(key, programme, i) for i in range(1, MANY)],
        shows_rows,
    )
