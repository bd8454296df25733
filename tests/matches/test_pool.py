"""Pool analysis (MAT-5): what the available mentors cannot offer the waiting youth."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from koppel.matches.domain.pool import pool_analysis
from koppel.people.enums import Importance
from tests.factories import ProgrammeFactory
from tests.factories.matching import PostcodeAreaFactory, TrainedMentorFactory, WaitingYouthFactory

pytestmark = pytest.mark.django_db


def _english(user):
    """Pages follow the user's own language; these tests read the English source text."""
    user.language = "en"
    user.save()
    return user


@pytest.fixture
def places():
    """Rotterdam-Zuid and Amsterdam-Centrum: about 57 km apart, far beyond the default 10 km."""
    PostcodeAreaFactory()  # 3072, Afrikaanderwijk
    PostcodeAreaFactory(
        postcode="1011", name="Centrum", latitude=Decimal("52.37200"), longitude=Decimal("4.90000")
    )


@pytest.fixture
def pool(places):
    """Three youth in Feijenoord require an Arabic-speaking mentor; the one Arabic-speaking mentor
    lives in Amsterdam. A fourth youth, in Amsterdam, wishes nothing in particular."""
    programme = ProgrammeFactory()
    arabic = [
        WaitingYouthFactory(programme=programme, first_name=name, wish_language="ar", postcode="3072AB")
        for name in ("Amira", "Bilal", "Chaima")
    ]
    amira = arabic[0]
    amira.cultural_background = "Marokkaans"
    amira.cultural_match = Importance.REQUIRED
    amira.save()
    bilal = arabic[1]
    bilal.cultural_background = " marokkaans"
    bilal.cultural_match = Importance.IMPORTANT
    bilal.save()
    near = WaitingYouthFactory(
        programme=programme, first_name="Daan", postcode="1011AB", neighbourhood="Centrum"
    )
    mentor = TrainedMentorFactory(
        programme=programme, languages=["nl", "ar"], postcode="1011AB", cultural_background="Turks"
    )
    # A mentor still short of training hours (TRN-1) is not counted as available.
    TrainedMentorFactory(programme=programme, languages=["ar"], postcode="3072AB", hours=Decimal("1"))
    return programme, arabic, near, mentor


def test_pool_analysis_counts_what_the_pool_lacks__MAT_5(pool):
    programme, arabic, near, _mentor = pool
    result = pool_analysis(programme)
    assert (result.youth_waiting, result.mentors_available, result.youth_without_mentor) == (4, 1, 3)
    assert result.mentors_in_training == 1
    [arabic_row] = result.languages
    assert (
        arabic_row.code,
        arabic_row.label,
        arabic_row.youth,
        arabic_row.mentors,
        arabic_row.without_mentor,
    ) == (
        "ar",
        "Arabic",
        3,
        1,
        3,
    )
    assert arabic_row.short
    # One family requires a Moroccan background, one finds it important; the one mentor is Turkish.
    [background] = result.backgrounds
    assert (background.label, background.youth, background.important, background.mentors) == (
        "Marokkaans",
        1,
        1,
        0,
    )
    assert background.without_mentor == 1
    # Feijenoord's three youth have no mentor within reach; Daan in Centrum has one.
    assert [(row.label, row.out_of_reach, row.youth) for row in result.neighbourhoods] == [
        ("Feijenoord", 3, 3)
    ]
    assert result.availability_short == 0
    wednesday = next(row for row in result.slots if row.label == "Wednesday")
    assert wednesday.parts == [(0, 0), (4, 1), (0, 0)]
    assert {s.youth.pk for s in result.stuck} == {y.pk for y in arabic}
    texts = {s.youth.first_name: s.text for s in result.stuck}
    assert texts["Bilal"] == "No available mentor lives within 10 km."
    assert texts["Amira"] == (
        "No available mentor shares the background 'Marokkaans' and lives within 10 km."
    )
    assert {s.youth.first_name: s.rules for s in result.stuck}["Amira"] == ["MAT-5"]
    assert near.pk not in {s.youth.pk for s in result.stuck}


def test_pool_analysis_with_no_trained_mentor_says_so():
    programme = ProgrammeFactory()
    WaitingYouthFactory(programme=programme)
    result = pool_analysis(programme)
    assert (result.youth_waiting, result.mentors_available, result.youth_without_mentor) == (1, 0, 1)
    assert [s.text for s in result.stuck] == ["There are no trained mentors available."]


def test_the_pool_page_shows_the_heading_and_links_to_recruitment(cast, client_for, places):
    for _ in range(2):
        WaitingYouthFactory(programme=cast.programme, wish_language="so")
    page = client_for(_english(cast.coordinator)).get(
        reverse("staff:matching_pool", args=[cast.programme.pk])
    )
    assert page.status_code == 200
    content = page.content.decode()
    # The cast's two mentors: one has no room left, the other no training hours (TRN-1).
    assert "2 youth waiting, 0 mentors available, 2 youth without any suitable mentor" in content
    assert f"{reverse('staff:campaign_list')}?programme={cast.programme.pk}" in content
    assert "Somali" in content


def _queries(client, programme) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("staff:matching_pool", args=[programme.pk])).status_code == 200
    return len(queries)


def test_the_pool_page_runs_a_constant_number_of_queries(cast, client_for, places):
    client = client_for(_english(cast.coordinator))
    far = TrainedMentorFactory(programme=cast.programme, postcode="1011AB", languages=["ar"])
    WaitingYouthFactory(programme=cast.programme, wish_language="ar", postcode="3072AB")
    client.get(reverse("staff:matching_pool", args=[cast.programme.pk]))  # settings created once
    one = _queries(client, cast.programme)
    for i in range(14):
        WaitingYouthFactory(
            programme=cast.programme, wish_language="ar", postcode="3072AB", neighbourhood=f"Wijk {i}"
        )
    TrainedMentorFactory.create_batch(3, programme=cast.programme, postcode="1011AB")
    many = _queries(client, cast.programme)
    assert many == one
    assert far.pk  # the far mentor keeps every youth stuck, so the list of names has 15 rows
    assert (
        "15 youth without any suitable mentor"
        in client.get(reverse("staff:matching_pool", args=[cast.programme.pk])).content.decode()
    )
