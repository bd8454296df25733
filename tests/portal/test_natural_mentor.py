"""The natural-mentor route (REC-1): a youth or their parent proposes someone from their own network."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from koppel.common.domain import mail as koppel_mail
from koppel.common.domain.audit import history_of
from koppel.people.enums import MentorRoute, MentorStatus
from koppel.people.models import Mentor, RepeatApplication
from tests import factories as f

pytestmark = pytest.mark.django_db


def proposal(cast, **overrides):
    data = {
        "youth": str(cast.youth_row.pk),
        "first_name": "Karim",
        "last_name": "Bouali",
        "date_of_birth": "1985-02-03",
        "email": "karim@example.org",
        "phone": "06-11112222",
        "relation": "family",
    }
    data.update(overrides)
    return data


def test_natural_mentor_proposal_records_route__REC_1(cast, client_for, django_capture_on_commit_callbacks):
    cast.coordinator.language = "en"
    cast.coordinator.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast.youth).post(reverse("portal:propose_mentor"), proposal(cast))
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")
    mentor = Mentor.objects.get(email="karim@example.org")
    assert mentor.route == MentorRoute.NATURAL
    assert mentor.proposed_for == cast.youth_row
    assert mentor.proposed_relation == "family"
    assert mentor.programme == cast.youth_row.programme
    assert mentor.status == MentorStatus.APPLIED
    assert mentor.coordinator == cast.coordinator
    assert mentor.applied_at is not None
    proposed = history_of(mentor).get(action="people.mentor.proposed")
    assert proposed.data == {"youth_id": cast.youth_row.pk, "relation": "family"}
    assert history_of(cast.youth_row).filter(action="people.youth.natural_mentor_proposed").exists()
    # The proposed person gets the confirmation, the youth's coordinator a notice with the link.
    assert sorted(m.to[0] for m in mail.outbox) == ["coordinator@example.org", "karim@example.org"]
    notice = next(m for m in mail.outbox if m.to == ["coordinator@example.org"])
    assert notice.subject == "A natural mentor was proposed"
    assert reverse("staff:mentor_detail", args=[mentor.pk]) in notice.body
    confirmation = next(m for m in mail.outbox if m.to == ["karim@example.org"])
    assert cast.youth_row.first_name not in confirmation.body  # no minor's name to an unscreened person


def test_guardian_proposes_for_their_child_in_the_guardians_language(
    cast, client_for, django_capture_on_commit_callbacks, monkeypatch
):
    cast.guardian.language = "en"
    cast.guardian.save()
    seen = []
    real = koppel_mail.render_to_string
    monkeypatch.setattr(
        koppel_mail,
        "render_to_string",
        lambda *a, **k: seen.append(translation.get_language()) or real(*a, **k),
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast.guardian).post(reverse("portal:propose_mentor"), proposal(cast))
    assert response.status_code == 302
    mentor = Mentor.objects.get(email="karim@example.org")
    assert mentor.proposed_for == cast.youth_row
    assert mentor.preferred_language == "en"
    assert seen[0] == "en"  # the confirmation to the proposed person


def test_guardian_cannot_propose_for_someone_elses_child(cast, client_for):
    response = client_for(cast.guardian).post(
        reverse("portal:propose_mentor"), proposal(cast, youth=str(cast.other_youth_row.pk))
    )
    assert response.status_code == 200
    assert response.context["form"].errors["youth"]
    assert not Mentor.objects.filter(email="karim@example.org").exists()


@pytest.mark.parametrize("status", ["in_screening", "matched"])
def test_proposing_a_known_mentor_changes_nothing_and_is_kept_for_the_coordinator(
    cast, client_for, django_capture_on_commit_callbacks, status
):
    existing = f.MentorFactory(programme=cast.programme, email="karim@example.org", status=status, phone="")
    before = {f.attname: getattr(existing, f.attname) for f in Mentor._meta.concrete_fields}
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(cast.youth).post(
            reverse("portal:propose_mentor"), proposal(cast, email="Karim@example.org")
        )
    assert response.status_code == 302
    existing.refresh_from_db()
    assert {f.attname: getattr(existing, f.attname) for f in Mentor._meta.concrete_fields} == before
    assert existing.proposed_for is None
    assert Mentor.objects.filter(email__iexact="karim@example.org").count() == 1
    second = RepeatApplication.objects.get(mentor=existing)
    assert second.route == MentorRoute.NATURAL
    assert second.proposed_for == cast.youth_row
    assert second.proposed_relation == "family"
    assert second.proposed_by == cast.youth
    assert second.values["phone"] == "06-11112222"
    assert history_of(existing).filter(action="people.mentor.proposed_again").exists()
    # The known mentor gets the neutral notice, nothing the youth typed; the coordinator is told.
    notice = next(m for m in mail.outbox if m.to == ["karim@example.org"])
    assert "06-11112222" not in notice.body
    assert "Karim" not in notice.body
    assert any(m.to == ["coordinator@example.org"] for m in mail.outbox)


def test_bad_proposal_re_renders_keeping_the_data(cast, client_for):
    cast.youth.language = "en"
    cast.youth.save()
    response = client_for(cast.youth).post(
        reverse("portal:propose_mentor"), proposal(cast, email="not-an-address", date_of_birth="2024-01-01")
    )
    assert response.status_code == 200
    assert 'value="Karim"' in response.text
    assert 'value="not-an-address"' in response.text
    assert "The age from this date of birth must be between 14 and 99 years." in response.text
    assert not Mentor.objects.filter(first_name="Karim").exists()


def test_portal_home_links_to_the_proposal_for_youth_and_guardians(cast, client_for):
    link = reverse("portal:propose_mentor")
    assert link in client_for(cast.youth).get(reverse("portal:home")).text
    assert link in client_for(cast.guardian).get(reverse("portal:home")).text
    assert link not in client_for(cast.mentor).get(reverse("portal:home")).text


def test_a_proposal_with_a_phone_number_that_is_not_one_is_refused(cast, client_for):
    response = client_for(cast.youth).post(reverse("portal:propose_mentor"), proposal(cast, phone="bel me"))
    assert response.status_code == 200
    assert response.context["form"].errors["phone"]
    assert not Mentor.objects.filter(email="karim@example.org").exists()
