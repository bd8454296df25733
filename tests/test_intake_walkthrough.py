"""The intake, walked through the real pages as a person would in the browser.

Mentor: campaign -> public application through the campaign link -> interview -> references -> VOG ->
self-disclosure -> approved -> refused "ready to match" (TRN-1) -> training session with attendance ->
ready to match. Youth: registration through a guardian -> intake -> waiting list.

Every step GETs the form page, takes the form the page rendered (with its initial values, as a browser
submits them) and POSTs it with what the user fills in. No step touches the database directly.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from koppel.people.domain import recruitment
from koppel.people.enums import (
    MentorQuality,
    MentorRoute,
    MentorStatus,
    ReferenceOutcome,
    VogOutcome,
    YouthStatus,
)
from koppel.people.models import Campaign, Mentor, Youth
from koppel.training.models import Registration, Session

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _initial(form) -> dict:
    """What a browser submits for an untouched form: every field's rendered value."""
    data: dict = {}
    for bound in form:
        value = bound.value()
        if value is None or value is False or value == "" or value == []:
            continue
        if value is True:
            data[bound.html_name] = "on"
        elif isinstance(value, (list, tuple)):
            data[bound.html_name] = [str(v) for v in value]
        else:
            formatted = bound.field.widget.format_value(value)
            if isinstance(formatted, list):
                data[bound.html_name] = formatted
            else:
                data[bound.html_name] = str(value) if formatted is None else formatted
    return data


def submit(client, page_url, values: dict, *, forms=("form",), post_url=None, follow=False):
    """GET the page, fill in its form(s) with `values` and POST them, like a person would.

    Every name in `values` must be a field the page's form(s) actually render.
    """
    page = client.get(page_url)
    assert page.status_code == 200, page_url
    data: dict = {}
    names: set[str] = set()
    for key in forms:
        form = page.context[key]
        data.update(_initial(form))
        names |= {bound.html_name for bound in form}
    unknown = set(values) - names
    assert not unknown, f"not in the page's form {page_url}: {unknown}"
    not_rendered = {name for name in values if f'name="{name}"' not in page.text}
    assert not not_rendered, f"not rendered on the page {page_url}: {not_rendered}"
    for name, value in values.items():
        if value is False or value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return client.post(post_url or page_url, data, follow=follow)


def _errors(response) -> str:
    context = response.context or {}
    return "; ".join(
        str(context[key].errors)
        for key in ("form", "transition_form", "intake_form", "youth_form", "attendance_form")
        if key in context and context[key] is not None and context[key].errors
    )


@pytest.fixture
def coordinator_client(cast, client_for):
    cast.coordinator.language = "en"
    cast.coordinator.save()
    return client_for(cast.coordinator)


def _transition(client, mentor, to: str, **extra):
    return submit(
        client,
        reverse("staff:mentor_screening", args=[mentor.pk]),
        {"to": to, **extra},
        forms=("transition_form",),
        post_url=reverse("staff:mentor_transition", args=[mentor.pk]),
    )


def test_mentor_walks_from_campaign_link_to_ready_to_match(
    cast, coordinator_client, client_for, django_capture_on_commit_callbacks
):
    staff = coordinator_client

    # 1. The coordinator creates a campaign (REC-3).
    response = submit(
        staff,
        reverse("staff:campaign_create"),
        {
            "programme": str(cast.programme.pk),
            "name": "Vrijwilligers gezocht",
            "channel": "employer",
            "target_group": "Young professionals",
            "motive": "career",
            "starts_on": (TODAY - timedelta(days=7)).isoformat(),
            "is_active": "on",
        },
    )
    assert response.status_code == 302, _errors(response)
    campaign = Campaign.objects.get(name="Vrijwilligers gezocht")
    assert response["Location"] == reverse("staff:campaign_detail", args=[campaign.pk])
    detail = staff.get(response["Location"])
    assert detail.status_code == 200
    link = reverse("public:apply", args=[campaign.token])
    assert link in detail.text

    # 2. Someone opens the link without logging in and applies (REC-2); the confirmation mail is sent.
    public = client_for(None)
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(
            public,
            link,
            {
                "first_name": "Sanne",
                "last_name": "de Vries",
                "date_of_birth": "1990-06-01",
                "gender": "female",
                "email": "sanne@example.org",
                "phone": "06-12345678",
                "postcode": "3072 AB",
                "preferred_language": "en",
                "languages": ["nl", "en"],
                "motives": ["career", "altruism"],
                "motivation": "I want to give back.",
                "privacy": "on",
            },
        )
    assert response.status_code == 302, _errors(response)
    assert response["Location"] == reverse("public:apply_thanks", args=[campaign.token])
    assert public.get(response["Location"]).status_code == 200
    mentor = Mentor.objects.get(email="sanne@example.org")
    assert mentor.programme == cast.programme
    assert mentor.status == MentorStatus.APPLIED
    assert mentor.campaign == campaign
    assert mentor.channel == "employer"
    assert mentor.route == MentorRoute.CAMPAIGN
    assert sorted(mentor.motives) == ["altruism", "career"]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["sanne@example.org"]
    with translation.override("en"):
        assert mail.outbox[0].subject == str(recruitment.APPLICATION_SUBJECT)

    # 3. The coordinator plans the interview: a home visit (SCR-1); the applicant is told by mail.
    with django_capture_on_commit_callbacks(execute=True):
        response = _transition(
            staff,
            mentor,
            MentorStatus.INTERVIEW_PLANNED,
            planned_for=timezone.localtime(timezone.now() - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
            kind="home_visit",
            reason="First contact by phone.",
        )
    assert response.status_code == 302, _errors(response)
    mentor.refresh_from_db()
    assert mentor.status == MentorStatus.INTERVIEW_PLANNED
    assert len(mail.outbox) == 2
    assert mail.outbox[1].to == ["sanne@example.org"]
    interview = mentor.interviews.get()
    assert interview.kind == "home_visit"
    assert interview.held_on is None

    # 4. The interview is held and recorded: responsibilities explained, the 16 qualities rated (SCR-4).
    qualities = {f"score_{code}": "4" for code in MentorQuality.values}
    response = submit(
        staff,
        reverse("staff:interview_edit", args=[interview.pk]),
        {
            "held_on": (TODAY - timedelta(days=2)).isoformat(),
            "responsibilities_explained": "on",
            "motivation": "Wants to help a young person find their way.",
            "attitude_ideas": "Open and patient.",
            "recommendation": "approve",
            **qualities,
            "remark_reliable": "Always on time.",
        },
    )
    assert response.status_code == 302, _errors(response)
    interview.refresh_from_db()
    assert interview.held_on == TODAY - timedelta(days=2)
    assert interview.responsibilities_explained
    assert len(interview.qualities) == 16
    assert interview.qualities["reliable"] == {"score": 4, "remark": "Always on time."}

    # The screening page links to every record the coordinator adds next.
    screening = staff.get(reverse("staff:mentor_screening", args=[mentor.pk]))
    for name in ("reference_create", "vog_create", "disclosure_create"):
        assert reverse(f"staff:{name}", args=[mentor.pk]) in screening.text, name
    assert reverse("staff:interview_edit", args=[interview.pk]) in screening.text

    # 5. Screening starts.
    response = _transition(staff, mentor, MentorStatus.IN_SCREENING)
    assert response.status_code == 302, _errors(response)
    mentor.refresh_from_db()
    assert mentor.status == MentorStatus.IN_SCREENING

    # 6. The references the programme requires, each positive (SCR-2).
    required = cast.programme.settings.references_required
    assert required >= 1
    for n in range(required):
        response = submit(
            staff,
            reverse("staff:reference_create", args=[mentor.pk]),
            {
                "name": f"Reference {n}",
                "relation": "Former manager",
                "email": f"reference{n}@example.org",
                "contacted_on": (TODAY - timedelta(days=1)).isoformat(),
                "outcome": ReferenceOutcome.POSITIVE,
                "notes": "Warmly recommended.",
            },
        )
        assert response.status_code == 302, _errors(response)
    assert mentor.references.filter(outcome=ReferenceOutcome.POSITIVE).count() == required

    # 7. The VOG: issued, the original seen by the coordinator (SCR-2); no file is stored.
    response = submit(
        staff,
        reverse("staff:vog_create", args=[mentor.pk]),
        {
            "requested_on": (TODAY - timedelta(days=20)).isoformat(),
            "outcome": VogOutcome.ISSUED,
            "issued_on": (TODAY - timedelta(days=3)).isoformat(),
            "original_seen_by": str(cast.coordinator.pk),
            "original_seen_on": (TODAY - timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 302, _errors(response)
    vog = mentor.conduct_certificates.get()
    assert vog.outcome == VogOutcome.ISSUED
    assert vog.original_seen_by == cast.coordinator
    assert vog.valid_until is not None and vog.valid_until > TODAY

    # 8. A self-disclosure with no offences (SCR-3).
    response = submit(
        staff,
        reverse("staff:disclosure_create", args=[mentor.pk]),
        {"submitted_on": (TODAY - timedelta(days=1)).isoformat()},
    )
    assert response.status_code == 302, _errors(response)
    disclosure = mentor.disclosures.get()
    assert not disclosure.child_sexual_offence and not disclosure.child_offence
    assert not disclosure.other_conviction
    mentor.refresh_from_db()
    assert mentor.status == MentorStatus.IN_SCREENING

    # 9. Approval: the gate's checklist is complete.
    with django_capture_on_commit_callbacks(execute=True):
        response = _transition(staff, mentor, MentorStatus.APPROVED, reason="All in order.")
    assert response.status_code == 302, _errors(response)
    mentor.refresh_from_db()
    assert mentor.status == MentorStatus.APPROVED

    # 10. Ready to match is refused: no training yet; the page says how many hours are missing (TRN-1).
    hours = cast.programme.settings.pre_match_training_hours
    assert hours > 0
    response = _transition(staff, mentor, MentorStatus.READY)
    assert response.status_code == 200
    assert f"TRN-1: {hours.normalize():f} more hours of training are needed before matching." in response.text
    mentor.refresh_from_db()
    assert mentor.status == MentorStatus.APPROVED

    # 11. A training session for mentors, started yesterday, long enough for the pre-match hours.
    starts = timezone.localtime(timezone.now() - timedelta(days=1)).replace(second=0, microsecond=0)
    response = submit(
        staff,
        reverse("staff:training_session_create"),
        {
            "programme": str(cast.programme.pk),
            "title": "Basistraining mentoren",
            "audience": "mentor",
            "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "duration_hours": str(max(hours, 2)),
            "trainer": str(cast.coordinator.pk),
            "place": "Buurthuis De Ster",
        },
    )
    assert response.status_code == 302, _errors(response)
    session = Session.objects.get(title="Basistraining mentoren")
    assert session.programme == cast.programme
    assert response["Location"] == reverse("staff:training_session_detail", args=[session.pk])

    # 12. The mentor is registered for the session ...
    assert (
        reverse("staff:training_session_register", args=[session.pk]) in staff.get(response["Location"]).text
    )
    response = submit(
        staff,
        reverse("staff:training_session_register", args=[session.pk]),
        {"person": str(mentor.pk)},
    )
    assert response.status_code == 302, _errors(response)
    registration = Registration.objects.get(session=session, mentor=mentor)

    # 13. ... and attended it.
    response = submit(
        staff,
        reverse("staff:training_session_detail", args=[session.pk]),
        {f"registration_{registration.pk}": "yes"},
        forms=("attendance_form",),
    )
    assert response.status_code == 302, _errors(response)
    registration.refresh_from_db()
    assert registration.attended is True
    ledger = staff.get(reverse("staff:mentor_training", args=[mentor.pk]))
    assert ledger.status_code == 200
    assert ledger.context["missing"] == 0

    # 14. Now ready to match succeeds.
    with django_capture_on_commit_callbacks(execute=True):
        response = _transition(staff, mentor, MentorStatus.READY)
    assert response.status_code == 302, _errors(response)
    mentor.refresh_from_db()
    assert mentor.status == MentorStatus.READY
    page = staff.get(response["Location"])
    assert page.status_code == 200
    assert list(mentor.pipeline_events.values_list("to_status", flat=True).order_by("at", "id")) == [
        MentorStatus.INTERVIEW_PLANNED,
        MentorStatus.IN_SCREENING,
        MentorStatus.APPROVED,
        MentorStatus.READY,
    ]


def test_youth_walks_from_registration_to_the_waiting_list(cast, coordinator_client):
    staff = coordinator_client

    # 1. The coordinator registers a youth, brought in by a new guardian who consents (REC-2).
    response = submit(
        staff,
        reverse("staff:youth_register"),
        {
            "programme": str(cast.programme.pk),
            "first_name": "Noor",
            "last_name": "Bakker",
            "date_of_birth": (TODAY.replace(year=TODAY.year - 13) - timedelta(days=30)).isoformat(),
            "gender": "female",
            "preferred_language": "nl",
            "school_type": "vmbo",
            "referral": "guardian",
            "coordinator": str(cast.coordinator.pk),
            "guardian_first_name": "Fatima",
            "guardian_last_name": "Bakker",
            "guardian_email": "fatima@example.org",
            "guardian_language": "nl",
            "relation": "mother",
            "has_parental_authority": "on",
            "guardian_consent": "on",
            "consent_on": TODAY.isoformat(),
        },
    )
    assert response.status_code == 302, _errors(response)
    youth = Youth.objects.get(first_name="Noor", last_name="Bakker")
    assert response["Location"] == reverse("staff:youth_detail", args=[youth.pk])
    assert staff.get(response["Location"]).status_code == 200
    assert youth.programme == cast.programme
    assert youth.status == YouthStatus.INTAKE
    guardian = youth.guardianships.get().guardian
    assert (guardian.first_name, guardian.email) == ("Fatima", "fatima@example.org")

    # 2. The intake: told about benefits, challenges and the volunteer mentor (YTH-1), motivation and
    #    goal (YTH-2), wishes (YTH-3, MAT-5), the guardian's consent.
    intake_url = reverse("staff:youth_intake", args=[youth.pk])
    response = submit(
        staff,
        intake_url,
        {
            "intake-held_on": TODAY.isoformat(),
            "intake-informed_benefits_challenges": "on",
            "intake-informed_volunteer": "on",
            "intake-motivation": "Wants someone to talk to outside the family.",
            "intake-committed": "on",
            "intake-wish_kind_of_person": "Calm, likes football",
            "intake-guardian_consent": "on",
            "intake-consent_by": str(guardian.pk),
            "intake-consent_on": TODAY.isoformat(),
            "youth-goals": "Find a sports club and keep going to school.",
            "youth-wish_mentor_gender": "female",
            "youth-cultural_match": "nice",
        },
        forms=("intake_form", "youth_form"),
    )
    assert response.status_code == 302, _errors(response)
    assert response["Location"] == intake_url
    youth.refresh_from_db()
    intake = youth.intake
    assert intake.informed_benefits_challenges and intake.informed_volunteer and intake.committed
    assert intake.motivation.startswith("Wants someone")
    assert intake.guardian_consent and intake.consent_by == guardian
    assert youth.goals.startswith("Find a sports club")
    assert youth.cultural_match == "nice"
    page = staff.get(intake_url)
    assert page.status_code == 200
    assert page.context["may_join"] is True
    assert page.context["missing"] == []

    # 3. Onto the waiting list (a button on the intake page posts this).
    assert f'action="{reverse("staff:youth_add_to_waiting_list", args=[youth.pk])}"' in page.text
    response = staff.post(reverse("staff:youth_add_to_waiting_list", args=[youth.pk]))
    assert response.status_code == 302
    assert response["Location"] == intake_url
    youth.refresh_from_db()
    assert youth.status == YouthStatus.WAITING
    assert youth.waiting_since == TODAY

    # 4. The waiting list shows the youth, first in line.
    page = staff.get(reverse("staff:waiting_list"), {"programme": cast.programme.pk})
    assert page.status_code == 200
    rows = {row.youth.pk: row for row in page.context["rows"]}
    assert rows[youth.pk].position == 1
    assert "Noor" in page.text
