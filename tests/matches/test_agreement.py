"""The agreement and each party's consent (AGR-1, REL-2, REL-3, REL-4): versions, parties, the
terms' rules, typed-name consent, personal signed links and the activation gate."""

import time
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail, signing
from django.urls import resolve
from django.utils import timezone, translation

from koppel.common.domain.errors import ConflictError, DomainError
from koppel.common.models import ActivityLog
from koppel.matches.domain import agreement as domain
from koppel.matches.domain.lifecycle import activate_match
from koppel.matches.models import Agreement, Consent
from tests import factories as f
from tests.factories.agreement import TERMS, written_agreement


@pytest.fixture
def trio(db):
    """An introduced match: one mentor, a 13-year-old youth, a mother with parental authority and a
    step-father without it."""
    programme = f.ProgrammeFactory(locations=["community_centre", "free"])
    youth = f.YouthFactory(programme=programme, first_name="Noa", last_name="de Vries")
    mentor = f.MentorFactory(programme=programme, first_name="José", last_name="Bakker")
    mother = f.GuardianFactory(organisation=programme.organisation, first_name="Ilse", last_name="de Vries")
    stepfather = f.GuardianFactory(organisation=programme.organisation)
    f.GuardianshipFactory(youth=youth, guardian=mother, relation="mother")
    f.GuardianshipFactory(youth=youth, guardian=stepfather, relation="other", has_parental_authority=False)
    match = f.MatchFactory(youth=youth, mentors=[mentor], state="introduced")
    return match, mentor, mother, stepfather


def _consent(agreement, party):
    return agreement.consents.get(party=party)


# --- Writing ------------------------------------------------------------------------------------


def test_agreement_asks_mentor_guardians_with_authority_and_youth_and_agrees_the_match__AGR_1(trio):
    match, mentor, mother, _ = trio
    agreement = written_agreement(match)
    assert agreement.number == 1
    parties = sorted((c.party, c.mentor_id or c.guardian_id or c.youth_id) for c in agreement.consents.all())
    # The step-father has no parental authority: he does not consent.
    assert parties == [("guardian", mother.pk), ("mentor", mentor.pk), ("youth", match.youth_id)]
    assert all(c.given_at is None for c in agreement.consents.all())
    match.refresh_from_db()
    assert match.state == "agreed"
    assert match.agreed_on == timezone.localdate()
    assert match.events.get().to_state == "agreed"
    assert ActivityLog.objects.filter(action="matches.agreement.written", object_id=agreement.pk).exists()


def test_team_match_asks_each_mentor__REL_3(db):
    programme = f.ProgrammeFactory(form="team")
    mentors = f.MentorFactory.create_batch(2, programme=programme)
    match = f.MatchFactory(youth=f.YouthFactory(programme=programme), mentors=mentors, state="introduced")
    agreement = written_agreement(match)
    assert sorted(agreement.consents.filter(party="mentor").values_list("mentor_id", flat=True)) == sorted(
        m.pk for m in mentors
    )
    assert agreement.consents.count() == 3  # two mentors and the youth; this youth has no guardian


def test_a_change_is_a_new_version_that_asks_everyone_again__AGR_1(trio):
    match, *_ = trio
    first = written_agreement(match)
    domain.give_consent(_consent(first, "mentor"), typed_name="José Bakker", via="portal")
    second = domain.write_agreement(
        match, by=None, values={**TERMS, "meeting_interval_days": 5}, expected_number=1
    )
    assert second.number == 2
    assert second.consents.count() == 3
    assert second.consents.filter(given_at__isnull=False).count() == 0
    assert first.consents.filter(given_at__isnull=False).count() == 1  # the old version keeps its history
    match.refresh_from_db()
    assert match.state == "agreed"
    log = ActivityLog.objects.get(action="matches.agreement.written", object_id=second.pk)
    assert log.fields == ["meeting_interval_days"]


def test_a_new_version_on_an_active_match_keeps_it_active_and_asks_again__AGR_1(db):
    match = f.MatchFactory(mentors=[f.MentorFactory()], state="active")
    agreement = written_agreement(match)
    match.refresh_from_db()
    assert match.state == "active"
    assert agreement.consents.filter(given_at__isnull=True).count() == 2


def test_agreement_refused_when_someone_wrote_a_newer_version_meanwhile(trio):
    match, *_ = trio
    written_agreement(match)
    with pytest.raises(ConflictError, match="newer version"):
        domain.write_agreement(match, by=None, values=TERMS, expected_number=0)
    assert Agreement.objects.filter(match=match).count() == 1


@pytest.mark.parametrize("state", ["proposed", "closing", "closed"])
def test_agreement_refused_before_the_introduction_and_after_closing(db, state):
    match = f.MatchFactory(mentors=[f.MentorFactory()], state=state)
    with pytest.raises(DomainError, match="introduced, agreed or active"):
        written_agreement(match)


def test_agreement_refuses_duration_below_programme_minimum__AGR_1(trio):
    match, *_ = trio
    with pytest.raises(DomainError, match="at least 12 months"):
        written_agreement(match, duration_months=11)
    assert not Agreement.objects.filter(match=match).exists()
    assert written_agreement(match, duration_months=12).duration_months == 12


def test_shorter_agreement_allowed_for_instrumental_support_with_a_goal__REL_2(trio):
    match, *_ = trio
    with pytest.raises(DomainError, match="instrumental"):
        written_agreement(match, duration_months=6, approach="instrumental", goals="")
    agreement = written_agreement(match, duration_months=6, approach="instrumental", goals="Een stageplek")
    assert agreement.duration_months == 6


def test_agreement_refuses_meeting_interval_over_31_days__AGR_1(trio):
    match, *_ = trio
    with pytest.raises(DomainError, match="every 31 days"):
        written_agreement(match, meeting_interval_days=32)
    assert written_agreement(match, meeting_interval_days=31).meeting_interval_days == 31


def test_agreement_refuses_a_place_the_programme_does_not_use__REL_3(trio):
    match, *_ = trio
    with pytest.raises(DomainError, match="REL-3"):
        written_agreement(match, place="workplace")
    match.programme.locations = []
    match.programme.save()
    assert written_agreement(match, place="workplace").place == "workplace"


def test_school_programme_requires_holiday_expectations__REL_4(trio):
    match, *_ = trio
    match.programme.settings.holiday_expectations_required = True
    match.programme.settings.save()
    with pytest.raises(DomainError, match="REL-4"):
        written_agreement(match, holiday_expectations="  ")
    agreement = written_agreement(match, holiday_expectations="In de zomer om de twee weken")
    assert agreement.holiday_expectations == "In de zomer om de twee weken"


def test_defaults_come_from_the_programme_and_the_youth(trio):
    match, *_ = trio
    match.programme.settings.min_duration_months = 18
    match.programme.settings.meeting_interval_days = 14
    match.programme.settings.save()
    match.programme.approach = "instrumental"
    match.programme.save()
    defaults = domain.agreement_defaults(match)
    assert defaults["duration_months"] == 18
    assert defaults["meeting_interval_days"] == 14
    assert defaults["approach"] == "instrumental"
    assert defaults["place"] == "community_centre"
    assert defaults["goals"] == match.youth.goals
    written_agreement(match, duration_months=24)
    assert domain.agreement_defaults(match)["duration_months"] == 24  # then: the latest version


# --- Consent ------------------------------------------------------------------------------------


def test_consent_accepts_the_full_name_whatever_case_accents_and_spaces__AGR_1(trio):
    match, *_ = trio
    consent = _consent(written_agreement(match), "mentor")
    before = timezone.now()
    given = domain.give_consent(consent, typed_name="  jose   BAKKER ", via="portal")
    assert given.given_at >= before
    assert given.typed_name == "jose BAKKER"
    assert given.via == "portal"
    log = ActivityLog.objects.get(action="matches.consent.given", object_id=consent.pk)
    assert "bakker" not in str(log.data).lower()  # never the typed name in the log


def test_consent_refused_when_the_name_does_not_match__AGR_1(trio):
    match, *_ = trio
    consent = _consent(written_agreement(match), "youth")
    with pytest.raises(DomainError, match="name does not match"):
        domain.give_consent(consent, typed_name="Noa", via="portal")
    consent.refresh_from_db()
    assert consent.given_at is None


def test_consent_refused_twice(trio):
    match, *_ = trio
    consent = _consent(written_agreement(match), "youth")
    domain.give_consent(consent, typed_name="Noa de Vries", via="portal")
    with pytest.raises(DomainError, match="given already"):
        domain.give_consent(consent, typed_name="Noa de Vries", via="portal")


def test_consent_to_a_superseded_version_refused__AGR_1(trio):
    match, *_ = trio
    old = _consent(written_agreement(match), "youth")
    written_agreement(match)
    with pytest.raises(DomainError, match="older version"):
        domain.give_consent(old, typed_name="Noa de Vries", via="portal")


def test_paper_consent_is_recorded_on_the_day_it_was_signed(trio):
    match, *_ = trio
    consent = _consent(written_agreement(match), "guardian")
    with pytest.raises(DomainError, match="future"):
        domain.record_paper_consent(
            consent, by=None, typed_name="Ilse de Vries", given_on=timezone.localdate() + timedelta(days=1)
        )
    with pytest.raises(DomainError, match="before this version"):
        domain.record_paper_consent(
            consent, by=None, typed_name="Ilse de Vries", given_on=timezone.localdate() - timedelta(days=1)
        )
    given = domain.record_paper_consent(
        consent, by=None, typed_name="Ilse de Vries", given_on=timezone.localdate()
    )
    assert given.via == "paper"
    assert timezone.localtime(given.given_at).date() == timezone.localdate()


def test_match_starts_only_when_everyone_consented__AGR_1(trio):
    match, *_ = trio
    agreement = written_agreement(match)
    domain.give_consent(_consent(agreement, "mentor"), typed_name="José Bakker", via="portal")
    domain.give_consent(_consent(agreement, "youth"), typed_name="Noa de Vries", via="link")
    with pytest.raises(DomainError, match="Ilse de Vries"):
        activate_match(match, by=None, started_on=timezone.localdate())
    domain.give_consent(_consent(agreement, "guardian"), typed_name="Ilse de Vries", via="link")
    assert activate_match(match, by=None, started_on=timezone.localdate()).state == "active"


# --- Personal links -----------------------------------------------------------------------------


def _token(link: str) -> str:
    return resolve(urlsplit(link).path).kwargs["token"]


def _signed_days_ago(monkeypatch, consent, days: float) -> str:
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() - days * 86400)
    link = domain.consent_link(consent)
    monkeypatch.setattr(time, "time", real)
    return _token(link)


def test_consent_link_finds_its_consent(trio, settings):
    settings.SITE_URL = "https://koppel.example.org"
    match, *_ = trio
    consent = _consent(written_agreement(match), "youth")
    link = domain.consent_link(consent)
    assert link.startswith("https://koppel.example.org/link/consent/")
    assert domain.consent_from_token(_token(link)) == consent


def test_consent_link_works_for_the_programmes_number_of_days__AGR_1(trio, monkeypatch):
    match, *_ = trio  # consent_link_days = 14
    consent = _consent(written_agreement(match), "youth")
    assert domain.consent_from_token(_signed_days_ago(monkeypatch, consent, 13.9)) == consent
    with pytest.raises(domain.LinkExpired, match="expired"):
        domain.consent_from_token(_signed_days_ago(monkeypatch, consent, 14.1))


def test_altered_consent_link_refused(trio):
    match, *_ = trio
    agreement = written_agreement(match)
    token = _token(domain.consent_link(_consent(agreement, "youth")))
    # Signed with another key (salt) for the mentor's consent: not one of Koppel's links.
    forged = signing.TimestampSigner(salt="another").sign_object(
        {"c": _consent(agreement, "mentor").pk, "n": 1}
    )
    for bad in (token[:-2] + "xx", forged, "nonsense"):
        with pytest.raises(DomainError, match="not valid"):
            domain.consent_from_token(bad)


def test_consent_link_refused_once_used_or_superseded(trio):
    match, *_ = trio
    agreement = written_agreement(match)
    youth_consent, mentor_consent = _consent(agreement, "youth"), _consent(agreement, "mentor")
    youth_token = _token(domain.consent_link(youth_consent))
    mentor_token = _token(domain.consent_link(mentor_consent))
    domain.give_consent(youth_consent, typed_name="Noa de Vries", via="link")
    with pytest.raises(DomainError, match="given already"):
        domain.consent_from_token(youth_token)
    written_agreement(match)
    with pytest.raises(DomainError, match="older version"):
        domain.consent_from_token(mentor_token)


def test_links_go_to_each_party_in_their_language_and_a_young_youths_to_the_parents(
    trio, django_capture_on_commit_callbacks
):
    match, mentor, mother, _ = trio  # the youth is 13
    mother.preferred_language = "en"
    mother.save()
    agreement = written_agreement(match)
    with django_capture_on_commit_callbacks(execute=True):
        sent = domain.send_consent_links(agreement, by=None)
    assert len(sent.mailed) == 3
    assert [c.party for c in sent.via_parents] == ["youth"]
    with translation.override("nl"):
        dutch_subject = str(domain.MAIL_SUBJECT)
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == sorted(
        [
            (mentor.email, dutch_subject),
            (mother.email, "Your consent to the mentoring agreement"),
            (mother.email, "Your child's consent to the mentoring agreement"),
        ]
    )
    assert match.youth.email not in [m.to[0] for m in mail.outbox]
    youth_mail = next(m for m in mail.outbox if m.subject.startswith("Your child"))
    youth_link = next(line for line in youth_mail.body.splitlines() if "/link/consent/" in line)
    assert domain.consent_from_token(_token(youth_link.strip())) == _consent(agreement, "youth")
    assert agreement.consents.filter(link_sent_at__isnull=False).count() == 3


def test_a_youth_of_16_gets_their_own_link(trio, django_capture_on_commit_callbacks):
    match, *_ = trio
    youth = match.youth
    youth.date_of_birth = date(timezone.localdate().year - 17, 1, 1)
    youth.save()
    agreement = written_agreement(match)
    with django_capture_on_commit_callbacks(execute=True):
        sent = domain.send_consent_links(agreement, by=None)
    assert sent.via_parents == []
    assert youth.email in [m.to[0] for m in mail.outbox]


def test_a_failing_mail_server_loses_no_link(trio, settings, django_capture_on_commit_callbacks):
    from koppel.common.models import OutgoingMail

    match, *_ = trio
    agreement = written_agreement(match)
    settings.MAILERS = {"default": {"BACKEND": "tests.common.test_outbox.BrokenMailServer"}}
    with django_capture_on_commit_callbacks(execute=True):
        domain.send_consent_links(agreement, by=None)
    consent = _consent(agreement, "mentor")
    # The mail waits in the outbox for the next attempt...
    mail_row = OutgoingMail.objects.get(log_ref=f"consent link {consent.pk}")
    assert (mail_row.status, mail_row.attempts) == ("queued", 1)
    assert domain.consent_from_token(_token(domain.consent_link(consent))) == consent  # ...the link works


def test_links_only_for_pending_parties_with_an_address(trio, django_capture_on_commit_callbacks):
    match, _, mother, _ = trio
    mother.email = ""
    mother.save()
    agreement = written_agreement(match)
    domain.give_consent(_consent(agreement, "mentor"), typed_name="José Bakker", via="portal")
    with django_capture_on_commit_callbacks(execute=True):
        sent = domain.send_consent_links(agreement, by=None)
    # The mentor consented; the mother has no address, so the 13-year-old's link has nowhere to go.
    assert sent.mailed == []
    assert sorted(c.party for c in sent.without_address) == ["guardian", "youth"]
    assert mail.outbox == []
    assert Consent.objects.filter(agreement=agreement, link_sent_at__isnull=False).count() == 0
