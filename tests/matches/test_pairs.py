"""A pair proposed by hand (MAT-6): checking it without saving, proposing it, and every refusal."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from koppel.common.domain.errors import DomainError
from koppel.common.models import ActivityLog
from koppel.matches.domain.pair_check import check_pair
from koppel.matches.domain.pairs import propose_pair
from koppel.matches.enums import MatchOrigin, MatchState
from koppel.matches.forms.pairs import PairForm
from koppel.matches.models import Match, MatchMentor
from koppel.people.enums import MentorStatus, YouthStatus
from koppel.people.models import Interest
from tests.factories import CoordinatorFactory, MatchFactory, MentorFactory, ProgrammeFactory, UserFactory
from tests.factories.intake import IntakeFactory
from tests.factories.matching import PairRuleFactory, TrainedMentorFactory, WaitingYouthFactory

pytestmark = pytest.mark.django_db


def _english(user):
    """Pages follow the user's own language; these tests read the English source text."""
    user.language = "en"
    user.save()
    return user


@pytest.fixture
def coordinator():
    return UserFactory()


@pytest.fixture
def pair():
    programme = ProgrammeFactory()
    youth = WaitingYouthFactory(programme=programme, first_name="Amira")
    mentor = TrainedMentorFactory(programme=programme, first_name="Xena", languages=["nl", "ar"])
    return programme, youth, mentor


def test_propose_pair_creates_a_proposed_match__MAT_6(pair, coordinator):
    programme, youth, mentor = pair
    match = propose_pair(
        programme,
        youth,
        [mentor],
        by=coordinator,
        origin=MatchOrigin.YOUTH_SUGGESTED,
        note="Kent haar via de buurt",
    )
    assert match.state == MatchState.PROPOSED
    assert match.programme == programme
    assert list(MatchMentor.objects.filter(match=match).values_list("mentor_id", flat=True)) == [mentor.pk]
    youth.refresh_from_db()
    mentor.refresh_from_db()
    assert youth.status == YouthStatus.MATCHED
    assert mentor.status == MentorStatus.READY  # "matched" follows once the match starts
    entry = ActivityLog.objects.get(action="matches.pair.proposed_by_hand", object_id=match.pk)
    assert entry.actor_id == coordinator.pk
    assert entry.data["origin"] == "youth_suggested"
    assert entry.data["mentors"] == [mentor.pk]
    # The note's text never goes into the log.
    assert "buurt" not in str(entry.data)


def test_a_broken_required_language_refuses_the_pair_with_its_reason__MAT_5(pair, coordinator):
    programme, youth, mentor = pair
    youth.wish_language = "tr"
    youth.save()
    check = check_pair(programme, youth, [mentor])
    assert [(p.code, p.rule) for p in check.broken] == [("required_language", "MAT-5")]
    assert check.broken[0].text == "The mentor does not speak Turkish, which the family asked for."
    with pytest.raises(DomainError, match="does not speak Turkish") as refused:
        propose_pair(programme, youth, [mentor], by=coordinator, origin=MatchOrigin.CLICK)
    assert "(MAT-5)" in refused.value.message
    assert not Match.objects.exists()
    youth.refresh_from_db()
    assert youth.status == YouthStatus.WAITING


def test_a_pair_a_coordinator_excluded_is_refused(pair, coordinator):
    programme, youth, mentor = pair
    PairRuleFactory(programme=programme, youth=youth, mentor=mentor)
    assert [p.code for p in check_pair(programme, youth, [mentor]).broken] == ["excluded_by_coordinator"]
    with pytest.raises(DomainError, match="A coordinator excluded this pair"):
        propose_pair(programme, youth, [mentor], by=coordinator, origin=MatchOrigin.CLICK)
    assert not Match.objects.exists()


def test_an_untrained_mentor_is_refused__TRN_1(pair, coordinator):
    programme, youth, _mentor = pair
    untrained = MentorFactory(programme=programme)
    with pytest.raises(DomainError, match="has not finished the training"):
        propose_pair(programme, youth, [untrained], by=coordinator, origin=MatchOrigin.CLICK)


def test_a_youth_with_an_open_match_is_refused(pair, coordinator):
    programme, youth, mentor = pair
    MatchFactory(youth=youth, state=MatchState.PROPOSED, mentors=[TrainedMentorFactory(programme=programme)])
    with pytest.raises(DomainError, match="already has an open match"):
        propose_pair(programme, youth, [mentor], by=coordinator, origin=MatchOrigin.CLICK)
    assert Match.objects.count() == 1


def test_a_full_mentor_is_refused(pair, coordinator):
    programme, youth, mentor = pair
    MatchFactory(youth=WaitingYouthFactory(programme=programme), state=MatchState.ACTIVE, mentors=[mentor])
    with pytest.raises(DomainError, match="has no room for another youth"):
        propose_pair(programme, youth, [mentor], by=coordinator, origin=MatchOrigin.CLICK)


def test_a_youth_of_another_programme_is_refused(pair, coordinator):
    programme, _youth, mentor = pair
    stranger = WaitingYouthFactory(programme=ProgrammeFactory())
    with pytest.raises(DomainError, match="must all belong to this programme"):
        propose_pair(programme, stranger, [mentor], by=coordinator, origin=MatchOrigin.CLICK)
    assert not Match.objects.exists()


def test_a_team_needs_between_the_programmes_team_sizes__REL_3(coordinator):
    programme = ProgrammeFactory(form="team", team_size_min=2, team_size_max=3)
    youth = WaitingYouthFactory(programme=programme)
    mentors = TrainedMentorFactory.create_batch(4, programme=programme)
    with pytest.raises(DomainError, match="between 2 and 3 mentors"):
        propose_pair(programme, youth, mentors[:1], by=coordinator, origin=MatchOrigin.CLICK)
    with pytest.raises(DomainError, match="between 2 and 3 mentors"):
        propose_pair(programme, youth, mentors, by=coordinator, origin=MatchOrigin.CLICK)
    user = CoordinatorFactory(programme=programme).user
    one = PairForm(
        {"youth": youth.pk, "mentors": [mentors[0].pk], "origin": "click"}, programme=programme, user=user
    )
    assert not one.is_valid()
    assert one.errors["mentors"] == ["Choose between 2 and 3 mentors for a team (REL-3)."]
    two = PairForm(
        {"youth": youth.pk, "mentors": [m.pk for m in mentors[:2]], "origin": "click"},
        programme=programme,
        user=user,
    )
    assert two.is_valid(), two.errors
    match = propose_pair(programme, youth, two.cleaned_data["mentors"], by=coordinator, origin="click")
    assert set(match.mentors.values_list("pk", flat=True)) == {mentors[0].pk, mentors[1].pk}


def test_check_scores_a_team_as_the_mean_of_its_pairs(coordinator):
    programme = ProgrammeFactory(form="team", team_size_min=2, team_size_max=2)
    youth = WaitingYouthFactory(programme=programme, wish_language="ar")
    speaks = TrainedMentorFactory(programme=programme, languages=["ar"])
    silent = TrainedMentorFactory(programme=programme, languages=["nl"])
    check = check_pair(programme, youth, [speaks, silent])
    assert check.score == pytest.approx((check.mentors[0].score + check.mentors[1].score) / 2)
    assert [len(m.broken) for m in check.mentors] == [0, 1]
    # In a team the reason names the mentor it is about.
    assert [p.text for p in check.broken] == [
        f"{silent.full_name}: The mentor does not speak Arabic, which the family asked for."
    ]


# --- The page ----------------------------------------------------------------------------------------


def _post(client, programme, **data):
    return client.post(reverse("staff:matching_pair", args=[programme.pk]), data)


def test_check_shows_the_score_and_bars_without_saving(cast, client_for):
    youth = WaitingYouthFactory(programme=cast.programme)
    mentor = TrainedMentorFactory(programme=cast.programme)
    logged = ActivityLog.objects.count()
    page = _post(
        client_for(_english(cast.coordinator)),
        cast.programme,
        youth=youth.pk,
        mentors=mentor.pk,
        origin="click",
        check="1",
    )
    assert page.status_code == 200
    check = page.context["check"]
    assert check.ok
    content = page.content.decode()
    assert "This pair meets every hard constraint" in content
    assert f'<strong class="score">{check.score:.2f}</strong>' in content
    # One bar per factor the score is made of.
    assert content.count("<meter ") == len(check.mentors[0].factor_rows) == 11
    assert not Match.objects.filter(youth=youth).exists()
    assert ActivityLog.objects.count() == logged


def test_propose_on_the_page_redirects_to_the_programme(cast, client_for):
    youth = WaitingYouthFactory(programme=cast.programme)
    mentor = TrainedMentorFactory(programme=cast.programme)
    client = client_for(_english(cast.coordinator))
    answer = _post(
        client, cast.programme, youth=youth.pk, mentors=mentor.pk, origin="other", note="", propose="1"
    )
    assert answer.status_code == 302
    assert answer["Location"] == reverse("staff:programme_detail", args=[cast.programme.pk])
    match = Match.objects.get(youth=youth)
    assert match.state == MatchState.PROPOSED
    page = client.get(answer["Location"])
    assert "was created in the proposed state" in page.content.decode()


def test_propose_with_a_broken_constraint_keeps_the_form_and_shows_why(cast, client_for):
    youth = WaitingYouthFactory(programme=cast.programme, wish_mentor_gender="male")
    mentor = TrainedMentorFactory(programme=cast.programme, gender="female")
    page = _post(
        client_for(_english(cast.coordinator)),
        cast.programme,
        youth=youth.pk,
        mentors=mentor.pk,
        origin="click",
        propose="1",
    )
    assert page.status_code == 200
    content = page.content.decode()
    assert "The youth or family asked for a mentor who is a man." in content
    assert f'<option value="{youth.pk}" selected>' in content
    assert not Match.objects.filter(youth=youth).exists()


def test_a_youth_of_another_programme_posted_by_id_is_a_form_error(cast, client_for):
    mentor = TrainedMentorFactory(programme=cast.programme)
    stranger = WaitingYouthFactory(programme=cast.other_programme)
    page = _post(
        client_for(_english(cast.admin)),
        cast.programme,
        youth=stranger.pk,
        mentors=mentor.pk,
        origin="click",
        propose="1",
    )
    assert page.status_code == 200
    assert "youth" in page.context["form"].errors
    assert not Match.objects.filter(youth=stranger).exists()


def test_the_choices_are_the_programmes_waiting_youth_and_available_mentors(cast):
    waiting = WaitingYouthFactory(programme=cast.programme)
    WaitingYouthFactory(programme=cast.other_programme)
    ready = TrainedMentorFactory(programme=cast.programme)
    TrainedMentorFactory(programme=cast.other_programme)
    TrainedMentorFactory(programme=cast.programme, status=MentorStatus.PAUSED)
    form = PairForm(programme=cast.programme, user=cast.coordinator)
    # The cast's youth has an open match and their mentor no room left: neither is offered. Nor are
    # people of another programme or a paused mentor.
    assert list(form.fields["youth"].queryset) == [waiting]
    assert set(form.fields["mentors"].queryset) == {ready, cast.other_mentor_row}


def test_a_team_programme_offers_several_mentors_to_choose__REL_3(cast, client_for):
    mentors = TrainedMentorFactory.create_batch(2, programme=cast.other_programme)
    page = client_for(cast.other_coordinator).get(
        reverse("staff:matching_pair", args=[cast.other_programme.pk])
    )
    assert page.status_code == 200
    content = page.content.decode()
    for mentor in mentors:
        assert f'type="checkbox" name="mentors" value="{mentor.pk}"' in content


def test_the_check_shows_the_age_gap_in_years_and_a_next_school_level__MAT_3(pair):
    """A 14-year-old mentor at MBO and a 13-year-old at VMBO: one year apart, which MAT-3 allows only
    because the mentor is a school level further; the check says both."""
    programme, youth, adult = pair
    born = date(timezone.localdate().year - 13, 1, 1)
    youth.date_of_birth, youth.school_type = born, "vmbo"
    youth.save()
    young = TrainedMentorFactory(
        programme=programme,
        date_of_birth=date(born.year - 1, 1, 1),
        school_type="mbo",
        adult_supervisor="Mevrouw Jansen",
    )
    with translation.override("en"):
        check = check_pair(programme, youth, [young])
        adult_check = check_pair(programme, youth, [adult])
    assert check.ok
    (item,) = check.mentors
    assert ("MAT-3", "The mentor is 1 year older than the youth.") in item.matched
    assert (
        "MAT-3",
        "The mentor is a school level further, so an age gap under 2 years is allowed.",
    ) in item.matched
    gap = adult.age - youth.age
    assert ("MAT-3", f"The mentor is {gap} years older than the youth.") in adult_check.mentors[0].matched
    assert not any("school level" in text for _rule, text in adult_check.mentors[0].matched)


def test_the_check_names_the_shared_interests_and_the_wishes_met__MAT_1(pair):
    """The youth wished for a mentor who likes football; the check names it in the viewer's language."""
    programme, youth, mentor = pair
    football = Interest.objects.get(slug="voetbal")
    youth.interests.add(football)
    IntakeFactory(youth=youth).wish_interests.add(football)
    youth.wish_mentor_gender = "female"
    youth.save()
    mentor.interests.add(football)
    with translation.override("en"):
        (item,) = check_pair(programme, youth, [mentor]).mentors
    assert ("MAT-2", "Both like football.") in item.matched
    assert ("YTH-3", "Wish met: a mentor who likes football.") in item.matched
    assert ("MAT-5", "Wish met: a mentor who is a woman.") in item.matched
    # In Dutch, the interest's own Dutch name (whatever the catalogue holds for the sentence).
    with translation.override("nl"):
        (item,) = check_pair(programme, youth, [mentor]).mentors
    assert any("voetbal" in text and "football" not in text for _rule, text in item.matched)
