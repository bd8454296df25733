"""Matching, walked through the real pages on the demo programme: a
coordinator starts a round, reads why a pair was proposed, locks one pair, excludes another, re-runs,
and accepts. No step touches the database directly; the background task runs at once in tests."""

import re

import pytest
from django.urls import reverse

from koppel.accounts.models import User
from koppel.demo.load import COORDINATOR_ZUID_EMAIL, load_demo
from koppel.matches.enums import MatchState
from koppel.matches.models import Match, MatchRound
from koppel.programmes.models import Programme
from tests.conftest import enrol_mfa

pytestmark = pytest.mark.django_db


def _pairs(page: str) -> list[tuple[int, int, int]]:
    """(proposal id, mentor id) of every "lock" button on a round page, in page order."""
    found = re.findall(r"matching/proposals/(\d+)/mentors/(\d+)/lock/", page)
    return [(int(p), int(m), i) for i, (p, m) in enumerate(found)]


def test_a_coordinator_runs_a_round_on_the_demo_locks_excludes_reruns_and_accepts(
    client, django_capture_on_commit_callbacks
):
    load_demo()
    coordinator = User.objects.get(email=COORDINATOR_ZUID_EMAIL)
    enrol_mfa(coordinator)
    User.objects.filter(pk=coordinator.pk).update(language="en")  # read the page in English
    client.login(email=COORDINATOR_ZUID_EMAIL, password="koppel-demo-2026")
    programme = Programme.objects.get(name="Maatjes Rotterdam-Zuid")
    english = {"accept-language": "en"}

    # Start a round from the form.
    form = client.get(reverse("staff:match_round_create"), {"programme": programme.pk}, headers=english)
    assert form.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(reverse("staff:match_round_create"), {"programme": programme.pk})
    first = MatchRound.objects.filter(programme=programme).latest("id")
    assert started["Location"] == reverse("staff:match_round_detail", args=[first.pk])

    # Read why a pair was proposed.
    page = client.get(started["Location"], headers=english).content.decode()
    assert "Why this proposal" in page
    assert "The youth&#x27;s own wishes" in page and "MAT-1" in page
    assert "Meets every hard constraint" in page
    proposals = list(first.proposals.order_by("rank").prefetch_related("mentors"))
    assert len(proposals) >= 3
    buttons = _pairs(page)
    assert len(buttons) >= 3

    # Lock the third proposal's pair; exclude the first proposal's pair.
    keep, drop = proposals[2], proposals[0]
    keep_mentor, drop_mentor = keep.mentors.get(), drop.mentors.get()
    url = reverse("staff:match_pair_rule_set", args=[keep.pk, keep_mentor.pk, "lock"])
    assert client.post(url).status_code == 302
    url = reverse("staff:match_pair_rule_set", args=[drop.pk, drop_mentor.pk, "exclude"])
    assert client.post(url).status_code == 302

    # Re-run.
    with django_capture_on_commit_callbacks(execute=True):
        rerun = client.post(reverse("staff:match_round_rerun", args=[first.pk]))
    second = MatchRound.objects.filter(programme=programme).latest("id")
    assert second.previous == first
    assert rerun["Location"] == reverse("staff:match_round_detail", args=[second.pk])
    pairs = {
        (p.youth_id, m.pk) for p in second.proposals.prefetch_related("mentors") for m in p.mentors.all()
    }
    assert (keep.youth_id, keep_mentor.pk) in pairs
    assert (drop.youth_id, drop_mentor.pk) not in pairs
    page = client.get(rerun["Location"], headers=english).content.decode()
    assert "locked" in page and "Excluded" in page

    # Accept the locked pair: the match is created in the proposed state.
    kept = second.proposals.get(youth_id=keep.youth_id)
    accepted = client.post(reverse("staff:match_proposal_decide", args=[kept.pk, "accept"]))
    assert accepted.status_code == 302
    match = Match.objects.get(youth_id=keep.youth_id, state=MatchState.PROPOSED)
    assert list(match.mentors.all()) == [keep_mentor]
