"""A programme's matching settings and weights (MAT-1, MAT-2, MAT-3, MAT-5): changing them (audited,
optimistic locking, reset to the factsheet), the page, and the preview of their effect on the last
finished round."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from koppel.common.domain.errors import ConflictError, DomainError
from koppel.common.models import ActivityLog
from koppel.matches.domain.adapter import matching_settings_of
from koppel.matches.domain.weights import (
    SETTINGS_FIELDS,
    factsheet_defaults,
    preview_weights,
    update_matching_settings,
)
from koppel.matches.enums import MatchingObjective, MatchState
from koppel.matches.models import MatchingSettings, MatchRound, RoundProposal
from tests.factories import MatchFactory, ProgrammeFactory, UserFactory
from tests.factories.matching import (
    MatchRoundFactory,
    PostcodeAreaFactory,
    RoundProposalFactory,
    TrainedMentorFactory,
    WaitingYouthFactory,
)

pytestmark = pytest.mark.django_db


def _english(user):
    user.language = "en"
    user.save()
    return user


def form_data(settings: MatchingSettings, **overrides) -> dict:
    """The weights form as the page posts it (English number format)."""
    data = {name: str(getattr(settings, name)) for name in SETTINGS_FIELDS}
    data["online"] = "on" if settings.online else ""
    data["expected_version"] = str(settings.version)
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


# --- The domain function ---------------------------------------------------------------------------


def test_update_returns_the_changed_fields_and_logs_rules_and_values():
    programme = ProgrammeFactory()
    settings = matching_settings_of(programme)
    user = UserFactory()
    changed = update_matching_settings(
        settings,
        by=user,
        values={**factsheet_defaults(), "weight_interests": Decimal("4.5"), "weight_distance": Decimal("0")},
        expected_version=settings.version,
    )
    assert sorted(changed) == ["weight_distance", "weight_interests"]
    settings.refresh_from_db()
    assert settings.weight_interests == Decimal("4.5")
    assert settings.weight_distance == Decimal("0")
    assert settings.weight_wishes == Decimal("3.0")  # untouched
    entry = ActivityLog.objects.get(action="matches.weights.changed")
    assert entry.object_id == programme.pk
    assert entry.content_type.model == "programme"
    assert entry.actor_id == user.pk
    assert entry.fields == ["weight_distance", "weight_interests"]
    # The distance weight follows from no single practice rule; interests from MAT-2.
    assert entry.data == {
        "rules": {"weight_interests": "MAT-2"},
        "old": {"weight_interests": "2.0", "weight_distance": "1.0"},
        "new": {"weight_interests": "4.5", "weight_distance": "0"},
    }


def test_saving_the_same_values_changes_nothing_and_logs_nothing():
    settings = matching_settings_of(ProgrammeFactory())
    changed = update_matching_settings(
        settings, by=None, values=factsheet_defaults(), expected_version=settings.version
    )
    assert changed == []
    assert not ActivityLog.objects.filter(action="matches.weights.changed").exists()


def test_a_stale_version_is_refused_and_nothing_is_saved():
    settings = matching_settings_of(ProgrammeFactory())
    stale = settings.version
    update_matching_settings(
        settings, by=None, values={"weight_culture": Decimal("2")}, expected_version=stale
    )
    second_editor = MatchingSettings.objects.get(pk=settings.pk)
    with pytest.raises(ConflictError, match="Someone else changed this record"):
        update_matching_settings(
            second_editor, by=None, values={"weight_culture": Decimal("5")}, expected_version=stale
        )
    second_editor.refresh_from_db()
    assert second_editor.weight_culture == Decimal("2")
    assert second_editor.version == stale + 1
    assert ActivityLog.objects.filter(action="matches.weights.changed").count() == 1


def test_reset_brings_back_the_factsheet_defaults():
    settings = matching_settings_of(ProgrammeFactory())
    update_matching_settings(
        settings,
        by=None,
        values={"max_travel_km": Decimal("25"), "online": True, "weight_wishes": Decimal("8")},
        expected_version=settings.version,
    )
    settings = MatchingSettings.objects.get(pk=settings.pk)
    changed = update_matching_settings(
        settings, by=None, values=factsheet_defaults(), expected_version=settings.version
    )
    assert sorted(changed) == ["max_travel_km", "online", "weight_wishes"]
    settings.refresh_from_db()
    assert (settings.max_travel_km, settings.online, settings.weight_wishes) == (
        Decimal("10"),
        False,
        Decimal("3"),
    )
    entry = ActivityLog.objects.filter(action="matches.weights.changed").order_by("-id").first()
    assert entry.data["rules"] == {"weight_wishes": "MAT-1"}
    assert entry.data["old"] == {"max_travel_km": "25.0", "online": True, "weight_wishes": "8.0"}
    assert entry.data["new"] == {"max_travel_km": "10", "online": False, "weight_wishes": "3.0"}


def test_all_weights_zero_is_refused():
    settings = matching_settings_of(ProgrammeFactory())
    zero = {name: Decimal("0") for name in SETTINGS_FIELDS if name.startswith("weight_")}
    with pytest.raises(DomainError, match="At least one weight"):
        update_matching_settings(settings, by=None, values=zero, expected_version=settings.version)
    # Also when the last positive weight is set to zero on its own.
    del zero["weight_waiting"]
    update_matching_settings(settings, by=None, values=zero, expected_version=settings.version)
    settings.refresh_from_db()
    with pytest.raises(DomainError, match="At least one weight"):
        update_matching_settings(
            settings, by=None, values={"weight_waiting": Decimal("0")}, expected_version=settings.version
        )
    settings.refresh_from_db()
    assert settings.weight_waiting == Decimal("1.0")


def test_the_form_refuses_all_weights_zero(cast, client_for):
    settings = matching_settings_of(cast.programme)
    zero = {name: "0" for name in SETTINGS_FIELDS if name.startswith("weight_")}
    response = client_for(_english(cast.coordinator)).post(
        reverse("staff:matching_weights", args=[cast.programme.pk]), form_data(settings, **zero)
    )
    assert response.status_code == 200
    assert "At least one weight must be above zero" in response.text


# --- The page --------------------------------------------------------------------------------------


def test_page_shows_each_setting_with_rule_and_factsheet_default_and_marks_changes(cast, client_for):
    settings = matching_settings_of(cast.programme)
    update_matching_settings(
        settings, by=None, values={"weight_culture": Decimal("2.5")}, expected_version=settings.version
    )
    page = client_for(_english(cast.coordinator)).get(
        reverse("staff:matching_weights", args=[cast.programme.pk])
    )
    assert page.status_code == 200
    text = page.text
    for rule in ("MAT-1", "MAT-2", "MAT-3", "MAT-5"):
        assert f'<span class="rule">{rule}</span>' in text
    assert "Factsheet: 3.0" in text  # wishes
    assert "Factsheet: 0.30" in text  # minimum score
    assert "Factsheet: no" in text  # online
    assert "Shared cultural background" in text
    assert "MAT-5: only as much as the family asked for." in text  # help text
    assert 'value="2.5"' in text
    assert text.count("changed from the factsheet") == 1


def test_valid_post_saves_and_redirects_with_a_message(cast, client_for):
    settings = matching_settings_of(cast.programme)
    client = client_for(_english(cast.coordinator))
    url = reverse("staff:matching_weights", args=[cast.programme.pk])
    response = client.post(url, form_data(settings, weight_values="4", online="on"))
    assert response.status_code == 302
    assert response["Location"] == url
    settings.refresh_from_db()
    assert settings.weight_values == Decimal("4")
    assert settings.online is True
    assert "The matching settings were saved." in client.get(url).text
    entry = ActivityLog.objects.get(action="matches.weights.changed")
    assert entry.actor_id == cast.coordinator.pk
    assert entry.fields == ["online", "weight_values"]


def test_invalid_post_rerenders_with_the_typed_values_and_errors(cast, client_for):
    settings = matching_settings_of(cast.programme)
    client = client_for(_english(cast.coordinator))
    url = reverse("staff:matching_weights", args=[cast.programme.pk])
    response = client.post(url, form_data(settings, weight_interests="11", weight_age_gap="7.5"))
    assert response.status_code == 200
    assert "Ensure this value is less than or equal to 10" in response.text
    assert 'value="11"' in response.text
    assert 'value="7.5"' in response.text
    settings.refresh_from_db()
    assert settings.weight_age_gap == Decimal("1.0")
    assert not ActivityLog.objects.filter(action="matches.weights.changed").exists()


def test_a_stale_post_shows_the_conflict_and_keeps_what_was_typed(cast, client_for):
    settings = matching_settings_of(cast.programme)
    data = form_data(settings, weight_personality="6")
    update_matching_settings(
        settings, by=None, values={"weight_personality": Decimal("2")}, expected_version=settings.version
    )
    response = client_for(_english(cast.coordinator)).post(
        reverse("staff:matching_weights", args=[cast.programme.pk]), data
    )
    assert response.status_code == 200
    assert "Someone else changed this record" in response.text
    assert 'value="6"' in response.text
    settings.refresh_from_db()
    assert settings.weight_personality == Decimal("2")


def test_reset_button_goes_back_to_the_factsheet(cast, client_for):
    settings = matching_settings_of(cast.programme)
    update_matching_settings(
        settings, by=None, values={"weight_waiting": Decimal("9")}, expected_version=settings.version
    )
    settings.refresh_from_db()
    client = client_for(_english(cast.coordinator))
    url = reverse("staff:matching_weights", args=[cast.programme.pk])
    response = client.post(url, {"reset": "1", "expected_version": str(settings.version)})
    assert response.status_code == 302
    settings.refresh_from_db()
    assert settings.weight_waiting == Decimal("1.0")
    assert "reset to the factsheet" in client.get(url).text


def test_reset_with_a_stale_version_resets_nothing(cast, client_for):
    settings = matching_settings_of(cast.programme)
    stale = settings.version
    update_matching_settings(
        settings, by=None, values={"weight_waiting": Decimal("9")}, expected_version=stale
    )
    client = client_for(_english(cast.coordinator))
    url = reverse("staff:matching_weights", args=[cast.programme.pk])
    client.post(url, {"reset": "1", "expected_version": str(stale)})
    settings.refresh_from_db()
    assert settings.weight_waiting == Decimal("9")
    assert "nothing was reset" in client.get(url).text


# --- The preview -----------------------------------------------------------------------------------


@pytest.fixture
def swapped_pool():
    return build_swapped_pool(ProgrammeFactory())


def build_swapped_pool(programme):
    """Two youth, two mentors, and a finished round that proposed Ada - Mila and Bo - Noor.

    Everything the score looks at is the same for every pair except interests and distance:
    no wishes (1), no personality (0.5), no values (0), age gap 18 y (1), no goals (0.5), culture not
    asked (1), same gender and language (1), two shared slots (0.5), waiting 30 days (same per youth).

    - Ada and Mila live in area 3072, Bo and Noor 8 km north (area 3073): distance factor 1 for the
      round's pairs, 1 - 8/10 = 0.2 for the swapped pairs (max 10 km).
    - Interests (Jaccard): Ada {voetbal}, Bo {tekenen}, Mila {tekenen, koken, lezen, gamen},
      Noor {voetbal, zwemmen, dansen, muziek}: 0 for the round's pairs, 1/4 for the swapped pairs.

    Default weights (sum 14.5): swapping changes each pair by (2 x 0.25 + 1 x (0.2 - 1)) / 14.5 =
    -0.3 / 14.5 < 0, so the round's assignment is the best. With distance 0 and interests 10
    (sum 21.5): each swapped pair gains (10 x 0.25) / 21.5, so Ada - Noor and Bo - Mila win, and the
    total rises by 2 x 2.5 / 21.5 = 0.2326.
    """
    PostcodeAreaFactory(postcode="3072", latitude=Decimal("51.89800"), longitude=Decimal("4.49600"))
    PostcodeAreaFactory(postcode="3073", latitude=Decimal("51.97035"), longitude=Decimal("4.49600"))
    ada = WaitingYouthFactory(
        programme=programme, first_name="Ada", postcode="3072AA", interests_other="voetbal"
    )
    bo = WaitingYouthFactory(
        programme=programme, first_name="Bo", postcode="3073AA", interests_other="tekenen"
    )
    mila = TrainedMentorFactory(
        programme=programme,
        first_name="Mila",
        postcode="3072BB",
        interests_other="tekenen, koken, lezen, gamen",
    )
    noor = TrainedMentorFactory(
        programme=programme,
        first_name="Noor",
        postcode="3073BB",
        interests_other="voetbal, zwemmen, dansen, muziek",
    )
    match_round = MatchRoundFactory(
        programme=programme, youth_ids=[ada.pk, bo.pk], mentor_ids=[mila.pk, noor.pk]
    )
    RoundProposalFactory(round=match_round, youth=ada, mentors=[mila], rank=1)
    RoundProposalFactory(round=match_round, youth=bo, mentors=[noor], rank=2)
    return programme, ada, bo, mila, noor


def _values(programme, **changes) -> dict:
    settings = matching_settings_of(programme)
    return {**{name: getattr(settings, name) for name in SETTINGS_FIELDS}, **changes}


def test_preview_with_the_saved_weights_changes_nothing(swapped_pool):
    programme, *_ = swapped_pool
    preview = preview_weights(programme, _values(programme))
    assert (preview.kept, preview.changed, preview.newly_matched, preview.newly_unmatched) == (2, 0, 0, 0)
    assert preview.rows == []
    assert preview.new_total == pytest.approx(preview.old_total, abs=1e-5)


def test_preview_with_interests_over_distance_swaps_the_mentors__MAT_2(swapped_pool):
    programme, ada, bo, mila, noor = swapped_pool
    preview = preview_weights(
        programme, _values(programme, weight_distance=Decimal("0"), weight_interests=Decimal("10"))
    )
    assert (preview.kept, preview.changed, preview.newly_matched, preview.newly_unmatched) == (0, 2, 0, 0)
    assert preview.new_total - preview.old_total == pytest.approx(5 / 21.5, abs=1e-4)
    rows = {row.youth_name: row for row in preview.rows}
    assert rows[ada.full_name].old_mentors == (mila.full_name,)
    assert rows[ada.full_name].new_mentors == (noor.full_name,)
    assert rows[bo.full_name].new_mentors == (mila.full_name,)
    # Per youth the swap gains 2.5 / 21.5 under the new weights.
    assert rows[ada.full_name].new_score - rows[ada.full_name].old_score == pytest.approx(
        2.5 / 21.5, abs=1e-4
    )


def test_preview_counts_newly_unmatched_and_newly_matched(swapped_pool):
    programme, ada, bo, mila, noor = swapped_pool
    # A minimum score of 1 leaves everyone waiting.
    strict = preview_weights(programme, _values(programme, min_score=Decimal("1")))
    assert (strict.kept, strict.newly_unmatched) == (0, 2)
    assert {(r.youth_name, r.new_mentors, r.new_score) for r in strict.rows} == {
        (ada.full_name, (), None),
        (bo.full_name, (), None),
    }
    # A round that proposed nobody: both are newly matched.
    empty = MatchRoundFactory(programme=programme, youth_ids=[ada.pk, bo.pk], mentor_ids=[mila.pk, noor.pk])
    preview = preview_weights(programme, _values(programme))
    assert preview.round == empty
    assert (preview.kept, preview.newly_matched) == (0, 2)
    assert preview.old_total == 0


def test_preview_says_why_an_old_pair_is_no_longer_allowed(swapped_pool):
    programme, ada, *_ = swapped_pool
    # Everyone shares two weekly slots (wed-pm, sat-am): asking for three rules out every pair.
    preview = preview_weights(programme, _values(programme, min_availability_overlap=3))
    assert preview.newly_unmatched == 2
    row = next(r for r in preview.rows if r.youth_name == ada.full_name)
    assert row.old_problems == ("They share fewer than 3 weekly time slots.",)


def test_accepting_the_rounds_proposals_does_not_make_its_mentors_look_full(swapped_pool):
    programme, ada, bo, mila, noor = swapped_pool
    MatchFactory(youth=ada, programme=programme, state=MatchState.PROPOSED, mentors=[mila])
    MatchFactory(youth=bo, programme=programme, state=MatchState.PROPOSED, mentors=[noor])
    preview = preview_weights(programme, _values(programme))
    assert (preview.kept, preview.changed, preview.newly_unmatched) == (2, 0, 0)


def test_preview_queries_do_not_grow_with_the_pool():
    def build(n):
        programme = ProgrammeFactory()
        youth = [WaitingYouthFactory(programme=programme) for _ in range(n)]
        mentors = [TrainedMentorFactory(programme=programme) for _ in range(n)]
        match_round = MatchRoundFactory(
            programme=programme, youth_ids=[y.pk for y in youth], mentor_ids=[m.pk for m in mentors]
        )
        # The round proposed mentor i to youth i, except to the last youth, who is newly matched now:
        # so the table has rows (their names are read) at both sizes.
        for i, y in enumerate(youth[:-1]):
            RoundProposalFactory(round=match_round, youth=y, mentors=[mentors[i]], rank=i + 1)
        values = _values(programme)
        with CaptureQueriesContext(connection) as queries:
            preview = preview_weights(programme, values)
        assert preview.newly_matched == 1
        return len(queries)

    assert build(2) == build(12)


def _preview_url(programme):
    return reverse("staff:matching_weights_preview", args=[programme.pk])


def test_preview_page_shows_the_changes_and_saves_nothing(cast, client_for):
    programme, ada, _bo, _mila, noor = build_swapped_pool(cast.programme)
    settings = matching_settings_of(programme)
    version = settings.version
    data = form_data(settings, weight_distance="0", weight_interests="10")
    client = client_for(_english(cast.coordinator))

    partial = client.post(_preview_url(programme), data, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    assert "<html" not in partial.text
    assert "Youth whose proposal would change" in partial.text
    assert ada.full_name in partial.text and noor.full_name in partial.text
    assert "computed with the NEW weights" in partial.text

    page = client.post(_preview_url(programme), data)
    assert "<html" in page.text
    assert 'value="10"' in page.text  # the form shows what was previewed
    assert "Youth whose proposal would change" in page.text

    settings.refresh_from_db()
    assert settings.version == version
    assert settings.weight_interests == Decimal("2.0")
    assert not ActivityLog.objects.filter(action="matches.weights.changed").exists()
    assert MatchRound.objects.filter(programme=programme).count() == 1  # nothing was stored
    assert RoundProposal.objects.filter(round__programme=programme).count() == 2


def test_preview_without_a_finished_round_says_so(cast, client_for):
    settings = matching_settings_of(cast.programme)
    MatchRoundFactory(programme=cast.programme, status="running")
    response = client_for(_english(cast.coordinator)).post(
        _preview_url(cast.programme), form_data(settings), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "no finished match round yet" in response.text


def test_preview_of_an_invalid_form_shows_the_errors_and_runs_nothing(cast, client_for, monkeypatch):
    import koppel.staff.views.matching_weights as views

    monkeypatch.setattr(views, "preview_weights", lambda *a, **k: pytest.fail("the preview ran"))
    settings = matching_settings_of(cast.programme)
    response = client_for(_english(cast.coordinator)).post(
        _preview_url(cast.programme), form_data(settings, weight_wishes="-1"), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert "Nothing was run" in response.text
    assert "greater than or equal to 0" in response.text


def test_preview_is_404_for_another_programmes_coordinator(cast, client_for):
    settings = matching_settings_of(cast.programme)
    response = client_for(cast.other_coordinator).post(_preview_url(cast.programme), form_data(settings))
    assert response.status_code == 404


def test_dutch_decimal_commas_are_read_and_shown(cast, client_for):
    settings = matching_settings_of(cast.programme)
    cast.coordinator.language = "nl"
    cast.coordinator.save()
    client = client_for(cast.coordinator)
    url = reverse("staff:matching_weights", args=[cast.programme.pk])
    data = {k: v.replace(".", ",") for k, v in form_data(settings, weight_values="4.5").items()}
    assert client.post(url, data).status_code == 302
    settings.refresh_from_db()
    assert settings.weight_values == Decimal("4.5")
    page = client.get(url).text
    assert 'name="weight_values" value="4,5"' in page
    assert 'type="number" name="weight_values"' not in page  # a number input refuses "4,5"


# --- What a round aims for (MAT-1 youth first, REL-3) ----------------------------------------------


def test_youth_first_is_the_default_and_a_change_is_logged_and_reset__MAT_1():
    settings = matching_settings_of(ProgrammeFactory())
    assert settings.objective == MatchingObjective.YOUTH_FIRST
    assert factsheet_defaults()["objective"] == MatchingObjective.YOUTH_FIRST
    assert MatchingSettings.RULES["objective"] == "MAT-1"
    assert "MAT-1, REL-3" in str(MatchingSettings._meta.get_field("objective").help_text)
    changed = update_matching_settings(
        settings,
        by=None,
        values={"objective": MatchingObjective.BEST_TOTAL},
        expected_version=settings.version,
    )
    assert changed == ["objective"]
    entry = ActivityLog.objects.get(action="matches.weights.changed")
    assert entry.data["old"] == {"objective": "youth_first"}
    assert entry.data["new"] == {"objective": "best_total"}
    settings.refresh_from_db()
    update_matching_settings(
        settings, by=None, values=factsheet_defaults(), expected_version=settings.version
    )
    settings.refresh_from_db()
    assert settings.objective == MatchingObjective.YOUTH_FIRST


def test_the_page_shows_and_saves_what_a_round_aims_for__MAT_1(cast, client_for):
    settings = matching_settings_of(cast.programme)
    client = client_for(_english(cast.coordinator))
    url = reverse("staff:matching_weights", args=[cast.programme.pk])
    page = client.get(url).text
    assert "What a round aims for" in page
    assert 'type="radio" name="objective" value="youth_first"' in page
    assert "Factsheet: As many youth as possible, then the best total score" in page
    response = client.post(url, form_data(settings, objective="best_total"))
    assert response.status_code == 302
    settings.refresh_from_db()
    assert settings.objective == MatchingObjective.BEST_TOTAL
    assert client.get(url).text.count("changed from the factsheet") == 1


def test_preview_with_the_best_total_shows_who_would_lose_their_proposal__MAT_1(cast):
    """The preview runs the last round again with the other aim: here one youth fewer is matched."""
    programme = cast.programme
    near = WaitingYouthFactory(programme=programme, first_name="Near", postcode="3072AA")
    far = WaitingYouthFactory(programme=programme, first_name="Far", postcode="3073AA")
    PostcodeAreaFactory(postcode="3072", latitude=Decimal("51.89800"), longitude=Decimal("4.49600"))
    PostcodeAreaFactory(postcode="3073", latitude=Decimal("51.97035"), longitude=Decimal("4.49600"))
    # X sits with Near; Y is 8 km from Near and 16 km from Far, so only X can take Far.
    x = TrainedMentorFactory(programme=programme, postcode="3072BB")
    y = TrainedMentorFactory(programme=programme, postcode="3071BB")
    PostcodeAreaFactory(postcode="3071", latitude=Decimal("51.82565"), longitude=Decimal("4.49600"))
    match_round = MatchRoundFactory(programme=programme, youth_ids=[near.pk, far.pk], mentor_ids=[x.pk, y.pk])
    RoundProposalFactory(round=match_round, youth=near, mentors=[y], rank=1)
    RoundProposalFactory(round=match_round, youth=far, mentors=[x], rank=2)
    weights = {name: Decimal("0") for name in SETTINGS_FIELDS if name.startswith("weight_")}
    values = _values(programme, **weights | {"weight_distance": Decimal("1"), "min_score": Decimal("0")})
    assert preview_weights(programme, values).newly_unmatched == 0
    preview = preview_weights(programme, {**values, "objective": MatchingObjective.BEST_TOTAL})
    assert (preview.kept, preview.changed, preview.newly_unmatched) == (0, 1, 1)
    assert preview.new_total > preview.old_total
