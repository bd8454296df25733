"""The coordinator's worklist: each section lists its own programme's items and no one else's."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from koppel.people.models import Youth
from koppel.training.models import ExternalHours
from tests import factories as f
from tests.factories.intake import (
    ConductCertificateFactory,
    InterviewFactory,
    ReferenceFactory,
    SelfDisclosureFactory,
)
from tests.factories.training import AttendedRegistrationFactory
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


def _sections(client):
    response = client.get(reverse("staff:worklist"))
    assert response.status_code == 200
    return {s.key: s for s in response.context["sections"]}, response


def _names(section) -> list[str]:
    return [item.name for item in section.items]


def _mentor(programme, status, name, **kwargs):
    return f.MentorFactory(programme=programme, status=status, first_name=name, last_name="Test", **kwargs)


def test_new_applications(cast, client_for):
    _mentor(cast.programme, "applied", "Nieuw", applied_at=timezone.now())
    _mentor(cast.other_programme, "applied", "Ander")
    sections, _ = _sections(client_for(cast.coordinator))
    assert _names(sections["applications"]) == ["Nieuw Test"]
    assert sections["applications"].count == 1


def test_interviews_to_plan(cast, client_for):
    _mentor(cast.programme, "applied", "Gepland")
    InterviewFactory(
        mentor=_mentor(cast.programme, "interview_planned", "Ingepland"), planned_for=timezone.now()
    )
    _mentor(cast.programme, "interview_planned", "Zonder")
    _mentor(cast.other_programme, "applied", "Ander")
    sections, _ = _sections(client_for(cast.coordinator))
    assert sorted(_names(sections["interviews"])) == ["Gepland Test", "Zonder Test"]


def test_references_outstanding(cast, client_for):
    # The programme requires 2 references (the default, SCR-2).
    short = _mentor(cast.programme, "in_screening", "Kort")
    ReferenceFactory(mentor=short, outcome="positive")
    ReferenceFactory(mentor=short, outcome="pending")
    complete = _mentor(cast.programme, "in_screening", "Compleet")
    ReferenceFactory(mentor=complete, outcome="positive")
    ReferenceFactory(mentor=complete, outcome="doubts")
    _mentor(cast.other_programme, "in_screening", "Ander")
    sections, response = _sections(client_for(_english(cast.coordinator)))
    assert _names(sections["references"]) == ["Kort Test"]
    assert "1 of 2 references answered" in response.text


def test_vogs_outstanding(cast, client_for):
    _mentor(cast.programme, "in_screening", "Zonder")
    ConductCertificateFactory(mentor=_mentor(cast.programme, "in_screening", "Met"))
    ConductCertificateFactory(
        mentor=_mentor(cast.programme, "in_screening", "Aangevraagd"), outcome="requested"
    )
    _mentor(cast.other_programme, "in_screening", "Ander")
    sections, _ = _sections(client_for(cast.coordinator))
    assert sorted(_names(sections["vogs"])) == ["Aangevraagd Test", "Zonder Test"]


def test_no_vog_outstanding_when_the_programme_does_not_require_one(cast, client_for):
    cast.programme.settings.vog_required = False
    cast.programme.settings.save()
    _mentor(cast.programme, "in_screening", "Zonder")
    sections, _ = _sections(client_for(cast.coordinator))
    assert _names(sections["vogs"]) == []


def test_vog_renewals_due_within_sixty_days(cast, client_for):
    soon = _mentor(cast.programme, "matched", "Binnenkort")
    ConductCertificateFactory(mentor=soon, valid_until=TODAY + timedelta(days=30))
    renewed = _mentor(cast.programme, "matched", "Vernieuwd")
    ConductCertificateFactory(mentor=renewed, valid_until=TODAY + timedelta(days=10))
    ConductCertificateFactory(
        mentor=renewed, requested_on=TODAY - timedelta(days=5), valid_until=TODAY + timedelta(days=1000)
    )
    later = _mentor(cast.programme, "ready", "Later")
    ConductCertificateFactory(mentor=later, valid_until=TODAY + timedelta(days=90))
    other = _mentor(cast.other_programme, "matched", "Ander")
    ConductCertificateFactory(mentor=other, valid_until=TODAY + timedelta(days=5))
    sections, _ = _sections(client_for(cast.coordinator))
    assert _names(sections["vog_renewals"]) == ["Binnenkort Test"]


def test_disclosures_to_review(cast, client_for):
    SelfDisclosureFactory(mentor=_mentor(cast.programme, "in_screening", "Open"))
    SelfDisclosureFactory(mentor=_mentor(cast.programme, "in_screening", "Besloten"), decision="no_concern")
    SelfDisclosureFactory(mentor=_mentor(cast.other_programme, "in_screening", "Ander"))
    sections, _ = _sections(client_for(cast.coordinator))
    assert _names(sections["disclosures"]) == ["Open Test"]


def test_mentors_short_of_training_hours__TRN_1(cast, client_for):
    # The programme requires 2 hours before matching (the default, TRN-1).
    short = _mentor(cast.programme, "approved", "Kort")
    ExternalHours.objects.create(
        mentor=short, date=TODAY, hours=Decimal("0.5"), kind="self_study", description="E-learning"
    )
    enough = _mentor(cast.programme, "approved", "Genoeg")
    ExternalHours.objects.create(
        mentor=enough, date=TODAY, hours=Decimal("2"), kind="self_study", description="E-learning"
    )
    _mentor(cast.other_programme, "approved", "Ander")
    sections, response = _sections(client_for(_english(cast.coordinator)))
    assert _names(sections["training"]) == ["Kort Test"]
    assert "1.5 hours missing" in response.text
    assert f'href="{reverse("staff:mentor_training", args=[short.pk])}"' in response.text


def test_training_shortfall_matches_the_ledger(cast):
    from koppel.training.domain.ledger import mentors_short_of_training, pre_match_hours_missing

    mentors = [_mentor(cast.programme, "approved", f"M{i}") for i in range(3)]
    for i, mentor in enumerate(mentors):
        for _ in range(i):
            ExternalHours.objects.create(
                mentor=mentor, date=TODAY, hours=Decimal("0.5"), kind="self_study", description="x"
            )
    # Attended sessions count too; those after the first match started do not (TRN-1 is before matching).
    AttendedRegistrationFactory(
        mentor=mentors[0],
        session__programme=cast.programme,
        session__starts_at=timezone.now() - timedelta(days=9),
    )
    f.MatchFactory(
        youth=f.YouthFactory(programme=cast.programme),
        mentors=[mentors[1]],
        started_on=TODAY - timedelta(days=3),
    )
    AttendedRegistrationFactory(
        mentor=mentors[1],
        session__programme=cast.programme,
        session__starts_at=timezone.now() - timedelta(days=1),
    )
    bulk = {m.pk: m.hours_missing for m in mentors_short_of_training(cast.coordinator)}
    ledger = {m.pk: pre_match_hours_missing(m) for m in mentors}
    assert ledger[mentors[0].pk] == 0  # the session gave enough; not listed
    assert bulk == {pk: missing for pk, missing in ledger.items() if missing > 0}
    assert len(bulk) == 2


def test_youth_waiting_longest(cast, client_for):
    f.YouthFactory(programme=cast.programme, status="waiting", waiting_since=TODAY, first_name="Kort")
    f.YouthFactory(
        programme=cast.programme,
        status="waiting",
        waiting_since=TODAY - timedelta(days=99),
        first_name="Lang",
    )
    f.YouthFactory(programme=cast.other_programme, status="waiting", waiting_since=TODAY, first_name="Ander")
    sections, response = _sections(client_for(_english(cast.coordinator)))
    assert [n.split()[0] for n in _names(sections["waiting"])] == ["Lang", "Kort"]
    assert "waiting 99 days" in response.text


def test_items_link_to_the_persons_page_and_sections_show_at_most_ten(cast, client_for):
    mentors = [_mentor(cast.programme, "applied", f"M{i:02d}") for i in range(12)]
    sections, response = _sections(client_for(_english(cast.coordinator)))
    assert sections["applications"].count == 12
    assert len(sections["applications"].items) == 10
    assert f'href="{reverse("staff:mentor_screening", args=[mentors[0].pk])}"' in response.text
    assert "Showing 10 of 12." in response.text


def test_the_other_coordinator_sees_only_their_programme(cast, client_for):
    _mentor(cast.programme, "applied", "Mijn")
    _mentor(cast.other_programme, "applied", "Hun")
    sections, _ = _sections(client_for(cast.other_coordinator))
    assert _names(sections["applications"]) == ["Hun Test"]
    sections, _ = _sections(client_for(cast.admin))
    assert sorted(_names(sections["applications"])) == ["Hun Test", "Mijn Test"]


def test_worklist_query_count(cast, client_for):
    def add_one_of_each(i):
        p = cast.programme
        _mentor(p, "applied", f"Aanmelding{i:02d}")
        _mentor(p, "interview_planned", f"Gesprek{i:02d}")
        ReferenceFactory(mentor=_mentor(p, "in_screening", f"Screening{i:02d}"))
        ConductCertificateFactory(mentor=_mentor(p, "matched", f"Vog{i:02d}"), valid_until=TODAY)
        SelfDisclosureFactory(mentor=_mentor(p, "in_screening", f"Melding{i:02d}"))
        _mentor(p, "approved", f"Training{i:02d}")
        f.YouthFactory(programme=p, status="waiting", waiting_since=TODAY, first_name=f"Jongere{i:02d}")

    add_one_of_each(0)

    def shows_rows(response, n):
        sections = {s.key: s for s in response.context["sections"]}
        assert sections["applications"].count == n
        assert sections["waiting"].count == n
        assert sections["disclosures"].count == n
        assert sections["vog_renewals"].count == n
        assert sections["training"].count == n
        assert "Aanmelding00" in content(response) and "Jongere00" in content(response)

    assert_constant_queries(
        client_for(cast.coordinator),
        reverse("staff:worklist"),
        lambda: [add_one_of_each(i) for i in range(1, MANY)],
        shows_rows,
    )


# --- Each section in full -------------------------------------------------------------------------


def test_a_truncated_section_links_to_its_full_list(cast, client_for):
    # "10 van 14 getoond" with no way to the other four.
    for i in range(14):
        _mentor(cast.programme, "applied", f"M{i:02d}")
    _, response = _sections(client_for(_english(cast.coordinator)))
    assert "Showing 10 of 14." in response.text
    assert f'href="{reverse("staff:worklist_section", args=["applications"])}"' in response.text
    assert "Show all 14" in response.text


def test_a_short_section_needs_no_link_to_its_full_list(cast, client_for):
    _mentor(cast.programme, "applied", "Enige")
    _, response = _sections(client_for(cast.coordinator))
    assert reverse("staff:worklist_section", args=["applications"]) not in response.text


def test_the_full_list_of_a_section_pages_through_every_item(cast, client_for, settings):
    settings.PAGE_SIZE = 25
    for i in range(30):
        _mentor(cast.programme, "applied", f"M{i:02d}")
    _mentor(cast.other_programme, "applied", "Ander")
    client = client_for(_english(cast.coordinator))
    url = reverse("staff:worklist_section", args=["applications"])
    first = client.get(url)
    assert first.status_code == 200
    assert first.context["page"].paginator.count == 30
    assert len(first.context["section"].items) == 25
    assert "New applications" in first.text and "30 items" in first.text
    second = client.get(url, {"page": 2})
    names = {item.name for item in first.context["section"].items + second.context["section"].items}
    assert names == {f"M{i:02d} Test" for i in range(30)}
    assert all(item.note.startswith("applied on") for item in second.context["section"].items)


def test_every_section_has_a_full_list(cast, client_for):
    from koppel.staff.worklist import ALL_SECTIONS

    client = client_for(cast.coordinator)
    for spec in ALL_SECTIONS:
        response = client.get(reverse("staff:worklist_section", args=[spec.key]))
        assert response.status_code == 200, spec.key
        assert response.context["section"].key == spec.key


def test_an_unknown_section_is_not_found(cast, client_for):
    response = client_for(cast.coordinator).get(reverse("staff:worklist_section", args=["nothing"]))
    assert response.status_code == 404


def test_the_full_list_shows_only_the_users_programmes(cast, client_for):
    _mentor(cast.programme, "applied", "Mijn")
    _mentor(cast.other_programme, "applied", "Hun")
    url = reverse("staff:worklist_section", args=["applications"])
    response = client_for(cast.other_coordinator).get(url)
    assert [item.name for item in response.context["section"].items] == ["Hun Test"]
