"""The waiting list per programme: longest-waiting first, position, days waiting and expected wait."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from koppel.people.domain.queries.intake import expected_wait_days
from koppel.people.models import Youth
from tests import factories as f
from tests.staff.test_query_counts import MANY, assert_constant_queries, content

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def cast_youth_not_waiting(cast):
    """The cast's youth are matched (the factory's default status is "waiting")."""
    Youth.objects.filter(pk__in=[cast.youth_row.pk, cast.other_youth_row.pk]).update(status="matched")


def _english(user):
    user.language = "en"
    user.save()
    return user


def _waiting(programme, days: int, **kwargs):
    return f.YouthFactory(
        programme=programme, status="waiting", waiting_since=TODAY - timedelta(days=days), **kwargs
    )


def _matches_started(programme, *days_ago: int):
    for days in days_ago:
        f.MatchFactory(
            youth=f.YouthFactory(programme=programme, status="matched"),
            started_on=TODAY - timedelta(days=days),
        )


def _page(client, programme=None):
    params = {"programme": programme.pk} if programme is not None else {}
    return client.get(reverse("staff:waiting_list"), params)


def test_longest_waiting_first_with_position_and_days_waiting(cast, client_for):
    newest = _waiting(cast.programme, 3, first_name="Nieuw")
    oldest = _waiting(cast.programme, 90, first_name="Oudst")
    middle = _waiting(cast.programme, 30, first_name="Midden")
    f.YouthFactory(programme=cast.programme, status="intake")  # not on the list
    response = _page(client_for(cast.coordinator), cast.programme)
    rows = response.context["rows"]
    assert [r.youth for r in rows] == [oldest, middle, newest]
    assert [r.position for r in rows] == [1, 2, 3]
    assert [r.days_waiting for r in rows] == [90, 30, 3]


def test_expected_wait_from_the_recent_matching_rate(cast, client_for):
    # 6 matches started within the last 180 days (the cast's own match started long ago), one
    # started long ago and one in another programme: the rate is 6 / 180 per day, so position p
    # waits p * 30 days.
    _matches_started(cast.programme, 1, 20, 50, 100, 150, 179)
    _matches_started(cast.programme, 400)
    _matches_started(cast.other_programme, 5)
    _waiting(cast.programme, 60)
    _waiting(cast.programme, 10)
    response = _page(client_for(_english(cast.coordinator)), cast.programme)
    assert response.context["recent_matches"] == 6
    assert [r.expected_wait for r in response.context["rows"]] == [30, 60]
    assert "about 60 days" in response.text


def test_expected_wait_is_unknown_without_recent_matches(cast, client_for):
    _matches_started(cast.programme, 200)
    _waiting(cast.programme, 5)
    response = _page(client_for(_english(cast.coordinator)), cast.programme)
    assert response.context["rows"][0].expected_wait is None
    assert "unknown" in response.text


def test_expected_wait_rounds_up():
    assert expected_wait_days(1, 7) == 26  # 180 / 7 = 25.7
    assert expected_wait_days(3, 0) is None


def test_wishes_are_summarised(cast, client_for):
    _waiting(cast.programme, 5, wish_mentor_gender="female", wish_language="ar", cultural_match="important")
    _waiting(cast.programme, 4, first_name="Zonderwens", cultural_match="not")
    text = _page(client_for(_english(cast.coordinator)), cast.programme).text
    assert "A female mentor" in text
    assert "Language: Arabic" in text
    assert text.count("Shared cultural background:") == 1


def test_only_the_chosen_programme_and_only_the_users_programmes(cast, client_for):
    mine = _waiting(cast.programme, 5)
    theirs = _waiting(cast.other_programme, 5)
    coordinator = client_for(cast.coordinator)
    assert [r.youth for r in _page(coordinator).context["rows"]] == [mine]
    # Asking for a programme one does not coordinate falls back to one's own.
    response = _page(coordinator, cast.other_programme)
    assert response.context["programme"] == cast.programme
    assert theirs.full_name not in response.text
    admin = client_for(cast.admin)
    assert [r.youth for r in _page(admin, cast.other_programme).context["rows"]] == [theirs]


def test_positions_continue_on_the_next_page(cast, client_for, settings):
    settings.PAGE_SIZE = 2
    youth = [_waiting(cast.programme, 50 - i) for i in range(3)]
    response = client_for(cast.coordinator).get(
        reverse("staff:waiting_list"), {"programme": cast.programme.pk, "page": 2}
    )
    rows = response.context["rows"]
    assert [(r.position, r.youth) for r in rows] == [(3, youth[2])]
    assert f"programme={cast.programme.pk}" in response.context["query"]


def test_waiting_list_query_count(cast, client_for):
    _matches_started(cast.programme, 10)
    _waiting(cast.programme, 400, first_name="Jongere00", wish_language="ar", cultural_match="nice")

    def add_more():
        for i in range(1, MANY):
            _waiting(cast.programme, 300 - i, wish_mentor_gender="male", cultural_match="required")

    def shows_rows(response, n):
        assert response.context["page"].paginator.count == n
        assert "Jongere00" in content(response)

    assert_constant_queries(
        client_for(cast.coordinator),
        reverse("staff:waiting_list") + f"?programme={cast.programme.pk}",
        add_more,
        shows_rows,
    )
