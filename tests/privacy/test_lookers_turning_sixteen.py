"""Turning 16 (UAVG art. 5): parents' consents flagged for the youth's own confirmation, the youth's
own access, the daily run's idempotence, and what guardians stop seeing at 16."""

from datetime import date, datetime, timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from koppel.accounts.models import User
from koppel.common.models import ActivityLog
from koppel.common.models.outbox import OutgoingMail
from koppel.people.models import Youth
from koppel.privacy.domain.coming_of_age import (
    birthday,
    flag_youth_turned_sixteen,
    latest_birth_date,
)
from koppel.privacy.models import ComingOfAge, OwnConfirmation
from tests import factories as f
from tests.conftest import enrol_mfa
from tests.factories.agreement import AgreementFactory, ConsentFactory
from tests.factories.meeting import MeetingLogFactory

pytestmark = pytest.mark.django_db

BORN = date(2010, 6, 15)
SIXTEENTH = date(2026, 6, 15)


def _aware(day: date, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def _family(*, born=BORN, email="", user=None, programme=None):
    """A youth in an active match whose parent consented to the agreement a year before the 16th
    birthday; returns (youth, guardian, agreement, the parent's consent)."""
    programme = programme or f.ProgrammeFactory()
    youth = f.YouthFactory(programme=programme, date_of_birth=born, email=email, user=user, status="matched")
    # Registered at 14: they turn 16 while in the programme.
    Youth.objects.filter(pk=youth.pk).update(created_at=_aware(birthday(born, 14)))
    guardian = f.GuardianFactory(organisation=programme.organisation)
    f.GuardianshipFactory(youth=youth, guardian=guardian)
    mentor = f.MentorFactory(programme=programme)
    match = f.MatchFactory(youth=youth, mentors=[mentor])
    agreement = AgreementFactory(match=match)
    given = _aware(birthday(born, 15))
    consent = ConsentFactory(
        agreement=agreement, party="guardian", youth=None, guardian=guardian, given_at=given, typed_name="x"
    )
    ConsentFactory(agreement=agreement, party="youth", given_at=given, typed_name="x")
    return youth, guardian, agreement, consent


def test_birthdays_and_the_cut_off_agree_with_age_on():
    assert birthday(date(2010, 6, 15), 16) == date(2026, 6, 15)
    assert birthday(date(2012, 2, 29), 16) == date(2028, 2, 29)
    # 2100 has no 29 February: the birthday is on 1 March, as age_on counts it.
    assert birthday(date(2084, 2, 29), 16) == date(2100, 3, 1)
    assert latest_birth_date(date(2026, 6, 15)) == date(2010, 6, 15)
    assert latest_birth_date(date(2116, 2, 29)) == date(2100, 2, 28)


def test_a_youth_registered_after_their_16th_birthday_is_not_flagged_nor_invited():
    youth, *_ = _family(email="sanne@example.org")
    Youth.objects.filter(pk=youth.pk).update(created_at=_aware(SIXTEENTH + timedelta(days=30)))
    with_mail = flag_youth_turned_sixteen(today=SIXTEENTH + timedelta(days=60))
    assert with_mail.youth == [] and with_mail.invited == []
    assert not ComingOfAge.objects.exists() and not OwnConfirmation.objects.exists()


def test_flagged_on_the_16th_birthday_and_not_the_day_before():
    youth, _guardian, _agreement, consent = _family()
    before = flag_youth_turned_sixteen(today=SIXTEENTH - timedelta(days=1))
    assert before.youth == []
    assert not ComingOfAge.objects.exists()
    assert not OwnConfirmation.objects.exists()

    on_the_day = flag_youth_turned_sixteen(today=SIXTEENTH)
    assert on_the_day.youth == [youth.pk]
    assert ComingOfAge.objects.get(youth=youth).turned_on == SIXTEENTH
    flag = OwnConfirmation.objects.get()
    assert (flag.consent, flag.youth, flag.confirmed_at) == (consent, youth, None)
    assert flag.flagged_at is not None
    entry = ActivityLog.objects.get(action="privacy.youth.turned_sixteen")
    assert entry.object_id == youth.pk
    assert entry.data["consents"] == [consent.pk]


def test_a_29_february_birthday_is_flagged_on_29_february_not_on_the_28th():
    youth, *_ = _family(born=date(2012, 2, 29))
    assert flag_youth_turned_sixteen(today=date(2028, 2, 28)).youth == []
    assert flag_youth_turned_sixteen(today=date(2028, 2, 29)).youth == [youth.pk]


def test_a_second_run_flags_nothing_twice():
    youth, *_ = _family(email="sanne@example.org")
    first = flag_youth_turned_sixteen(today=SIXTEENTH)
    second = flag_youth_turned_sixteen(today=SIXTEENTH)
    third = flag_youth_turned_sixteen(today=SIXTEENTH + timedelta(days=1))
    assert first.youth == [youth.pk] and first.consents == 1 and first.invited == [youth.pk]
    for later in (second, third):
        assert (later.youth, later.consents, later.invited, later.needs_access) == ([], 0, [], [])
    assert ComingOfAge.objects.count() == 1
    assert OwnConfirmation.objects.count() == 1
    assert ActivityLog.objects.filter(action="privacy.youth.turned_sixteen").count() == 1
    assert User.objects.filter(email="sanne@example.org").count() == 1
    assert OutgoingMail.objects.filter(to="sanne@example.org").count() == 1


def test_only_parents_consents_before_the_birthday_on_the_latest_agreement_of_an_open_match():
    _youth, guardian, agreement, _consent = _family()
    # A newer version, consented to by the parent after the birthday: the youth consented themselves.
    newer = AgreementFactory(match=agreement.match, number=2)
    ConsentFactory(
        agreement=newer,
        party="guardian",
        youth=None,
        guardian=guardian,
        given_at=_aware(SIXTEENTH + timedelta(days=1)),
        typed_name="x",
    )
    assert flag_youth_turned_sixteen(today=SIXTEENTH + timedelta(days=2)).consents == 0
    youth2, guardian2, agreement2, _consent2 = _family()
    # The old agreement of a closed match asks nothing.
    closed = f.MatchFactory(
        youth=youth2, state="closed", mentors=[f.MentorFactory(programme=youth2.programme)]
    )
    old = AgreementFactory(match=closed)
    ConsentFactory(
        agreement=old, party="guardian", youth=None, guardian=guardian2, given_at=_aware(BORN), typed_name="x"
    )
    ConsentFactory(agreement=AgreementFactory(match=agreement2.match, number=2), party="youth")
    # The latest version of the open match is version 2 (nobody consented yet): nothing to confirm.
    assert flag_youth_turned_sixteen(today=SIXTEENTH + timedelta(days=2)).consents == 0


def test_a_youth_with_an_address_and_no_login_is_invited(django_capture_on_commit_callbacks):
    youth, *_ = _family(email="sanne@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        result = flag_youth_turned_sixteen(today=SIXTEENTH)
    assert result.invited == [youth.pk]
    youth.refresh_from_db()
    assert youth.user is not None and youth.user.email == "sanne@example.org"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["sanne@example.org"]
    assert reverse("account_reset_password") in mail.outbox[0].body
    assert ActivityLog.objects.filter(action="privacy.youth.invited", object_id=youth.pk).exists()
    assert ActivityLog.objects.get(action="privacy.youth.turned_sixteen").data["access"] == "invited"


def test_a_youth_with_a_login_keeps_it_and_gets_no_mail(django_capture_on_commit_callbacks):
    login = f.UserFactory()
    youth, *_ = _family(email="sanne@example.org", user=login)
    with django_capture_on_commit_callbacks(execute=True):
        result = flag_youth_turned_sixteen(today=SIXTEENTH)
    assert result.invited == [] and result.needs_access == []
    assert mail.outbox == []
    youth.refresh_from_db()
    assert youth.user == login


def test_without_an_address_the_worklist_says_needs_own_access(client_for):
    programme = f.ProgrammeFactory()
    coordinator = f.CoordinatorFactory(programme=programme, user__language="en").user
    enrol_mfa(coordinator)
    youth, *_ = _family(programme=programme)
    taken, *_ = _family(programme=programme, email="shared@example.org")
    f.UserFactory(email="shared@example.org")  # the address is another login's already
    result = flag_youth_turned_sixteen(today=SIXTEENTH)
    assert sorted(result.needs_access) == sorted([youth.pk, taken.pk])
    page = client_for(coordinator).get(reverse("staff:worklist")).text
    assert "Needs own access" in page
    assert youth.full_name in page and taken.full_name in page
    section = client_for(coordinator).get(reverse("staff:worklist_section", args=["own_access"])).text
    assert youth.full_name in section
    # Another programme's coordinator does not see them.
    other = f.CoordinatorFactory().user
    enrol_mfa(other)
    assert youth.full_name not in client_for(other).get(reverse("staff:worklist")).text
    assert (
        youth.full_name
        not in client_for(other).get(reverse("staff:worklist_section", args=["own_access"])).text
    )
    # Once the youth has an address, the next run invites them and the row leaves the worklist.
    youth.email = "sanne@example.org"
    youth.save(update_fields=["email"])
    assert flag_youth_turned_sixteen(today=SIXTEENTH + timedelta(days=1)).invited == [youth.pk]
    section = client_for(coordinator).get(reverse("staff:worklist_section", args=["own_access"])).text
    assert youth.full_name not in section and taken.full_name in section


def test_the_periodic_command_runs_it(django_capture_on_commit_callbacks):
    today = timezone.localdate()
    youth, *_ = _family(born=latest_birth_date(today), email="sanne@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", verbosity=0)
        call_command("send_reminders", verbosity=0)
    assert ComingOfAge.objects.filter(youth=youth).count() == 1
    assert OwnConfirmation.objects.filter(youth=youth).count() == 1
    assert OutgoingMail.objects.filter(to="sanne@example.org").count() == 1


# --- The youth confirms ---------------------------------------------------------------------------


@pytest.fixture
def grown(client_for):
    """A youth who turned 16 today, with a login, and a parent's consent flagged for them."""
    today = timezone.localdate()
    login = f.UserFactory(language="en")
    youth, _guardian, agreement, _consent = _family(born=latest_birth_date(today), user=login)
    flag_youth_turned_sixteen(today=today)
    return youth, login, agreement


def test_the_youth_confirms_the_agreement_themselves(grown, client_for):
    youth, login, agreement = grown
    client = client_for(login)
    url = reverse("portal:own_consent", args=[agreement.pk])
    home = client.get(reverse("portal:home")).text
    assert "Confirm your agreement yourself" in home and url in home
    assert client.get(url).status_code == 200
    wrong = client.post(url, {"typed_name": "Iemand Anders", "agree": "on"})
    assert wrong.status_code == 200 and "The name does not match" in wrong.text
    assert OwnConfirmation.objects.get().confirmed_at is None
    response = client.post(url, {"typed_name": f"  {youth.full_name.upper()} ", "agree": "on"})
    assert response.status_code == 302
    flag = OwnConfirmation.objects.get()
    assert flag.confirmed_at is not None and flag.confirmed_by == login
    assert flag.typed_name == youth.full_name.upper()
    entry = ActivityLog.objects.get(action="privacy.own_consent.confirmed")
    assert entry.object_id == youth.pk and entry.actor == login
    assert youth.full_name.upper() not in str(entry.data)  # the typed name is not in the log
    assert url not in client.get(reverse("portal:home")).text
    # Again: nothing left to confirm, back home with a message; still only one log entry.
    assert client.post(url, {"typed_name": youth.full_name, "agree": "on"}).status_code == 302
    assert ActivityLog.objects.filter(action="privacy.own_consent.confirmed").count() == 1


def test_nobody_else_confirms_for_the_youth(grown, client_for):
    youth, _login, agreement = grown
    url = reverse("portal:own_consent", args=[agreement.pk])
    guardian = f.GuardianFactory(organisation=youth.programme.organisation, user=f.UserFactory())
    f.GuardianshipFactory(youth=youth, guardian=guardian)
    assert (
        client_for(guardian.user).post(url, {"typed_name": youth.full_name, "agree": "on"}).status_code == 404
    )
    other = f.YouthFactory(user=f.UserFactory())
    assert client_for(other.user).get(url).status_code == 404
    assert OwnConfirmation.objects.get().confirmed_at is None


# --- What guardians stop seeing at 16 -------------------------------------------------------------


def test_the_guardian_loses_the_childs_access_log_at_16(cast, client_for):
    User.objects.filter(pk__in=[cast.youth.pk, cast.guardian.pk]).update(language="en")
    url = reverse("portal:who_looked_file", args=["youth", cast.youth_row.pk])
    today = timezone.localdate()
    cast.youth_row.date_of_birth = latest_birth_date(today) + timedelta(days=1)  # 16 tomorrow
    cast.youth_row.save(update_fields=["date_of_birth"])
    assert client_for(cast.guardian).get(url).status_code == 200
    assert "parent or guardian can see" in client_for(cast.youth).get(url).text
    cast.youth_row.date_of_birth = latest_birth_date(today)  # 16 today
    cast.youth_row.save(update_fields=["date_of_birth"])
    assert client_for(cast.guardian).get(url).status_code == 404
    own = client_for(cast.youth).get(url)
    assert own.status_code == 200 and "parent or guardian can see" not in own.text
    index = client_for(cast.guardian).get(reverse("portal:who_looked")).text
    assert url not in index
    assert "see who looked at their file themselves" in index


def test_a_guardian_without_parental_authority_never_sees_the_childs_access_log(cast, client_for):
    cast.youth_row.guardianships.update(has_parental_authority=False)
    url = reverse("portal:who_looked_file", args=["youth", cast.youth_row.pk])
    assert client_for(cast.guardian).get(url).status_code == 404


def test_the_guardian_stops_reading_the_meeting_notes_at_16(cast, client_for):
    note = "Samen naar de bibliotheek"
    MeetingLogFactory(match=cast.match, note=note)
    cast.programme.settings.guardians_see_meeting_notes = True
    cast.programme.settings.save()
    url = reverse("portal:match_meetings", args=[cast.match.pk])
    assert note in client_for(cast.guardian).get(url).text
    cast.youth_row.date_of_birth = latest_birth_date(timezone.localdate())
    cast.youth_row.save(update_fields=["date_of_birth"])
    assert note not in client_for(cast.guardian).get(url).text
    assert note in client_for(cast.youth).get(url).text
