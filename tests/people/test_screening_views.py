"""Screening pages: the pipeline form with the gate's refusal, the records' forms, bad input that
re-renders, the access log on every view, and constant queries on the screening page."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from koppel.common.domain.audit import access_log_of
from koppel.people.enums import DisclosureDecision, DisqualificationReason, MentorStatus
from koppel.people.models import ConductCertificate, Interview, PipelineEvent, Reference, SelfDisclosure
from tests import factories as f
from tests.factories.screening import (
    ClearedDisclosureFactory,
    ConductCertificateFactory,
    InterviewFactory,
    ReferenceFactory,
    SelfDisclosureFactory,
)
from tests.staff.test_query_counts import MANY, assert_constant_queries

pytestmark = pytest.mark.django_db
S = MentorStatus


def _english(user):
    user.language = "en"
    user.save()
    return user


@pytest.fixture
def applicant(cast):
    return f.MentorFactory(programme=cast.programme, status=S.IN_SCREENING, first_name="Sanne")


@pytest.fixture
def staff(cast, client_for):
    return client_for(_english(cast.coordinator))


def screening_url(mentor):
    return reverse("staff:mentor_screening", args=[mentor.pk])


# --- The access log -------------------------------------------------------------------------------


def _pages(mentor):
    return {
        "staff:mentor_screening": [mentor.pk],
        "staff:mentor_transition": [mentor.pk],
        "staff:interview_create": [mentor.pk],
        "staff:interview_edit": [InterviewFactory(mentor=mentor).pk],
        "staff:reference_create": [mentor.pk],
        "staff:reference_edit": [ReferenceFactory(mentor=mentor).pk],
        "staff:vog_create": [mentor.pk],
        "staff:vog_edit": [ConductCertificateFactory(mentor=mentor).pk],
        "staff:disclosure_create": [mentor.pk],
        "staff:disclosure_review": [SelfDisclosureFactory(mentor=mentor).pk],
    }


@pytest.mark.parametrize("who", ["coordinator", "admin"])
def test_every_view_of_a_screening_page_is_in_the_access_log(cast, client_for, applicant, who):
    client = client_for(getattr(cast, who))
    for name, args in _pages(applicant).items():
        before = access_log_of(applicant).count()
        assert client.get(reverse(name, args=args)).status_code == 200, name
        entry = access_log_of(applicant).first()
        assert access_log_of(applicant).count() == before + 1, name
        assert entry.viewer == getattr(cast, who)
    assert access_log_of(applicant).filter(page="staff:mentor_screening").exists()


def test_screening_pages_are_closed_to_the_mentor_themselves(cast, client_for):
    response = client_for(cast.mentor).get(screening_url(cast.mentor_row))
    assert response.status_code == 403
    assert not access_log_of(cast.mentor_row).exists()


def test_another_programmes_coordinator_cannot_move_a_mentor(cast, client_for, applicant):
    response = client_for(cast.other_coordinator).post(
        reverse("staff:mentor_transition", args=[applicant.pk]), {"to": "rejected"}
    )
    assert response.status_code == 404
    applicant.refresh_from_db()
    assert applicant.status == S.IN_SCREENING


# --- The screening page and the pipeline form -----------------------------------------------------


def test_screening_page_shows_status_checklist_and_records(staff, applicant):
    InterviewFactory(mentor=applicant, qualities={"reliable": {"score": 4, "remark": "Altijd op tijd"}})
    ReferenceFactory(mentor=applicant, name="Piet Referent")
    text = staff.get(screening_url(applicant)).text
    assert "In screening" in text
    assert "Approval checklist" in text
    assert "SCR-1" in text and "SCR-2" in text and "SCR-3" in text
    assert "missing" in text  # one positive reference of two; no VOG
    assert "Reliable" in text and "Altijd op tijd" in text
    assert "Piet Referent" in text


def test_approval_refused_shows_every_missing_item_on_the_screening_page__SCR_1_SCR_2(staff, applicant):
    response = staff.post(
        reverse("staff:mentor_transition", args=[applicant.pk]), {"to": "approved", "reason": "Mijn notitie"}
    )
    assert response.status_code == 200
    assert "The mentor cannot be approved yet." in response.text
    assert "SCR-1: A personal interview was held" in response.text
    assert "SCR-2: 2 references with a positive outcome" in response.text
    assert "SCR-2: A certificate of conduct (VOG)" in response.text
    assert "Mijn notitie" in response.text  # the reason as typed
    applicant.refresh_from_db()
    assert applicant.status == S.IN_SCREENING


def test_approval_through_the_page(staff, cast, applicant):
    InterviewFactory(mentor=applicant)
    ClearedDisclosureFactory(mentor=applicant)
    ReferenceFactory.create_batch(2, mentor=applicant)
    ConductCertificateFactory(mentor=applicant)
    response = staff.post(
        reverse("staff:mentor_transition", args=[applicant.pk]), {"to": "approved", "reason": "Akkoord team"}
    )
    assert response.status_code == 302
    assert response["Location"] == screening_url(applicant)
    applicant.refresh_from_db()
    assert applicant.status == S.APPROVED
    event = PipelineEvent.objects.get(mentor=applicant)
    assert (event.reason, event.by) == ("Akkoord team", cast.coordinator)
    assert "Akkoord team" in staff.get(screening_url(applicant)).text


def test_ready_to_match_refused_with_missing_hours_on_the_page__TRN_1(staff, applicant):
    applicant.status = S.APPROVED
    applicant.save()
    settings = applicant.programme.settings
    settings.pre_match_training_hours = Decimal("2")
    settings.save()
    response = staff.post(reverse("staff:mentor_transition", args=[applicant.pk]), {"to": "ready"})
    assert "TRN-1: 2 more hours of training are needed before matching." in response.text


def test_planning_an_interview_needs_a_moment(staff, applicant):
    applicant.status = S.APPLIED
    applicant.save()
    url = reverse("staff:mentor_transition", args=[applicant.pk])
    response = staff.post(url, {"to": "interview_planned", "reason": "Belafspraak", "kind": "online"})
    assert response.status_code == 200
    assert "Enter when the interview is planned." in response.text
    assert "Belafspraak" in response.text
    assert 'aria-invalid="true"' in response.text
    planned = (timezone.localdate() + timedelta(days=3)).isoformat() + "T19:30"
    response = staff.post(url, {"to": "interview_planned", "planned_for": planned, "kind": "online"})
    assert response.status_code == 302
    applicant.refresh_from_db()
    assert applicant.status == S.INTERVIEW_PLANNED
    assert Interview.objects.get(mentor=applicant).kind == "online"


def test_a_status_not_offered_is_refused_by_the_form(staff, applicant):
    response = staff.post(reverse("staff:mentor_transition", args=[applicant.pk]), {"to": "matched"})
    assert response.status_code == 200
    applicant.refresh_from_db()
    assert applicant.status == S.IN_SCREENING


def test_disqualified_mentor_has_no_status_form__SCR_3(staff, applicant):
    applicant.status = S.DISQUALIFIED
    applicant.disqualification_reason = DisqualificationReason.VOG_REFUSED
    applicant.save()
    text = staff.get(screening_url(applicant)).text
    assert "Disqualification is final" in text
    assert reverse("staff:mentor_transition", args=[applicant.pk]) not in text


# --- Records' forms -------------------------------------------------------------------------------


def test_recording_an_interview_with_qualities__SCR_4(staff, cast, applicant):
    response = staff.post(
        reverse("staff:interview_create", args=[applicant.pk]),
        {
            "held_on": timezone.localdate().isoformat(),
            "kind": "home_visit",
            "interviewer": str(cast.coordinator.pk),
            "responsibilities_explained": "on",
            "motivation": "Wil iets terugdoen",
            "score_reliable": "5",
            "remark_reliable": "Komt afspraken na",
            "score_fun": "3",
        },
    )
    assert response.status_code == 302
    interview = Interview.objects.get(mentor=applicant)
    assert interview.qualities == {
        "reliable": {"score": 5, "remark": "Komt afspraken na"},
        "fun": {"score": 3, "remark": ""},
    }
    assert interview.is_done


def test_interview_bad_input_re_renders_and_keeps_what_was_typed(staff, applicant):
    response = staff.post(
        reverse("staff:interview_create", args=[applicant.pk]),
        {
            "held_on": (timezone.localdate() + timedelta(days=2)).isoformat(),
            "kind": "home_visit",
            "motivation": "Wil iets terugdoen",
            "remark_creative": "Veel ideeen",
        },
    )
    assert response.status_code == 200
    assert "This date is in the future." in response.text
    assert "Give a score from 1 to 5 with the remark." in response.text
    assert "Wil iets terugdoen" in response.text
    assert 'value="Veel ideeen"' in response.text
    assert not Interview.objects.filter(mentor=applicant).exists()


def test_editing_an_interview_keeps_the_ratings(staff, applicant):
    interview = InterviewFactory(mentor=applicant, qualities={"trust": {"score": 2, "remark": "Afwachtend"}})
    url = reverse("staff:interview_edit", args=[interview.pk])
    assert 'value="Afwachtend"' in staff.get(url).text
    response = staff.post(
        url,
        {
            "expected_version": str(interview.version),
            "held_on": interview.held_on.isoformat(),
            "kind": "office",
            "responsibilities_explained": "on",
            "score_trust": "3",
            "remark_trust": "Afwachtend",
        },
    )
    assert response.status_code == 302
    interview.refresh_from_db()
    assert (interview.kind, interview.qualities["trust"]["score"]) == ("office", 3)


def test_reference_bad_input_re_renders(staff, applicant):
    response = staff.post(
        reverse("staff:reference_create", args=[applicant.pk]),
        {"name": "Piet Referent", "outcome": "pending"},
    )
    assert response.status_code == 200
    assert "Enter an e-mail address or a phone number of the reference." in response.text
    assert 'value="Piet Referent"' in response.text
    assert not Reference.objects.exists()


def test_adding_and_editing_a_reference__SCR_2(staff, applicant):
    staff.post(
        reverse("staff:reference_create", args=[applicant.pk]),
        {"name": "Piet Referent", "phone": "06-12345678", "outcome": "pending"},
    )
    reference = Reference.objects.get(mentor=applicant)
    response = staff.post(
        reverse("staff:reference_edit", args=[reference.pk]),
        {
            "expected_version": str(reference.version),
            "name": "Piet Referent",
            "phone": "06-12345678",
            "outcome": "positive",
            "notes": "Betrouwbaar",
        },
    )
    assert response.status_code == 302
    reference.refresh_from_db()
    assert reference.outcome == "positive"


def test_vog_bad_input_re_renders(staff, applicant):
    response = staff.post(
        reverse("staff:vog_create", args=[applicant.pk]),
        {
            "requested_on": timezone.localdate().isoformat(),
            "screening_profile": "Werken met minderjarigen",
            "outcome": "issued",
        },
    )
    assert response.status_code == 200
    assert "Enter the issue date of the certificate." in response.text
    assert 'value="Werken met minderjarigen"' in response.text
    assert not ConductCertificate.objects.exists()


def test_vog_form_has_no_file_upload__SCR_2(staff, applicant):
    text = staff.get(reverse("staff:vog_create", args=[applicant.pk])).text
    assert 'type="file"' not in text
    assert "enctype" not in text


def test_refused_vog_through_the_page_disqualifies__SCR_3(staff, applicant):
    response = staff.post(
        reverse("staff:vog_create", args=[applicant.pk]),
        {
            "requested_on": timezone.localdate().isoformat(),
            "screening_profile": "Minors",
            "outcome": "refused",
        },
        follow=True,
    )
    assert "disqualified this mentor" in response.text
    applicant.refresh_from_db()
    assert applicant.status == S.DISQUALIFIED


def test_the_refused_vog_behind_a_disqualification_cannot_be_rewritten__SCR_3(staff, cast, applicant):
    staff.post(
        reverse("staff:vog_create", args=[applicant.pk]),
        {
            "requested_on": timezone.localdate().isoformat(),
            "screening_profile": "Minors",
            "outcome": "refused",
        },
    )
    certificate = ConductCertificate.objects.get(mentor=applicant)
    url = reverse("staff:vog_edit", args=[certificate.pk])
    page = staff.get(url)
    form = page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(
        {
            "outcome": "issued",
            "issued_on": timezone.localdate().isoformat(),
            "original_seen_by": cast.coordinator.pk,
            "original_seen_on": timezone.localdate().isoformat(),
        }
    )
    response = staff.post(url, data)
    assert response.status_code == 200
    assert "SCR-3: a refused certificate of conduct cannot be changed." in response.text
    certificate.refresh_from_db()
    assert (certificate.outcome, certificate.issued_on) == ("refused", None)


def test_disclosed_child_offence_through_the_page_disqualifies__SCR_3(staff, applicant):
    response = staff.post(
        reverse("staff:disclosure_create", args=[applicant.pk]),
        {"submitted_on": timezone.localdate().isoformat(), "child_offence": "on"},
        follow=True,
    )
    assert "disqualified this mentor" in response.text
    applicant.refresh_from_db()
    assert (applicant.status, applicant.disqualification_reason) == (S.DISQUALIFIED, "child_offence")


def test_other_disclosure_needs_details_and_goes_to_review__SCR_3(staff, cast, applicant):
    url = reverse("staff:disclosure_create", args=[applicant.pk])
    response = staff.post(url, {"submitted_on": timezone.localdate().isoformat(), "other_conviction": "on"})
    assert response.status_code == 200
    assert "Describe the other conviction" in response.text
    staff.post(
        url,
        {
            "submitted_on": timezone.localdate().isoformat(),
            "other_conviction": "on",
            "other_details": "Boete 2012",
        },
    )
    disclosure = SelfDisclosure.objects.get(mentor=applicant)
    assert disclosure.decision == DisclosureDecision.PENDING
    review = reverse("staff:disclosure_review", args=[disclosure.pk])
    response = staff.post(review, {"decision": "conditions", "notes": ""})
    assert response.status_code == 200
    assert "Write down the conditions in the notes." in response.text
    response = staff.post(review, {"decision": "no_concern", "notes": "Lang geleden"})
    assert response.status_code == 302
    disclosure.refresh_from_db()
    assert (disclosure.decision, disclosure.reviewed_by) == (DisclosureDecision.NO_CONCERN, cast.coordinator)


# --- Query count ----------------------------------------------------------------------------------


def test_screening_page_query_count(staff, applicant):
    def add_rows():
        for _ in range(MANY - 1):
            InterviewFactory(mentor=applicant)
            ReferenceFactory(mentor=applicant)
            ConductCertificateFactory(mentor=applicant)
            SelfDisclosureFactory(mentor=applicant)
            PipelineEvent.objects.create(mentor=applicant, from_status="applied", to_status="in_screening")

    def shows_rows(response, n):
        assert len(response.context["interviews"]) == n

    InterviewFactory(mentor=applicant)
    ReferenceFactory(mentor=applicant)
    ConductCertificateFactory(mentor=applicant)
    SelfDisclosureFactory(mentor=applicant)
    PipelineEvent.objects.create(mentor=applicant, from_status="applied", to_status="in_screening")
    assert_constant_queries(staff, screening_url(applicant), add_rows, shows_rows)


def test_mentor_profile_links_to_the_screening_page(staff, applicant):
    text = staff.get(reverse("staff:mentor_detail", args=[applicant.pk])).text
    assert screening_url(applicant) in text


def test_a_ready_mentor_cannot_be_set_to_matched_by_hand(staff, cast):
    mentor = f.MentorFactory(programme=cast.programme, status=S.READY)
    page = staff.get(screening_url(mentor))
    assert S.MATCHED not in [value for value, _label in page.context["transition_form"].fields["to"].choices]
    response = staff.post(reverse("staff:mentor_transition", args=[mentor.pk]), {"to": S.MATCHED})
    assert response.status_code == 200
    assert response.context["transition_form"].errors["to"]
    mentor.refresh_from_db()
    assert mentor.status == S.READY
    assert not mentor.pipeline_events.exists()
