"""A match from proposal to closure, walked through the real pages as each person would in the browser.

A coordinator proposes a pair by hand and takes the match through the first meeting (introduction),
the agreement and three-party consent (the mentor and the youth in the portal, the parent through
the personal signed link, without login), the start, meetings (the mentor logs two, the youth
confirms one), support contacts with the mentor and the parent, an early closure ("no click") with
who ended it, a closure conversation with each party, the close, and the youth's rematch.

Every step GETs the form page, takes the form the page rendered (with its initial values, as a
browser submits them) and POSTs it with what the user fills in. No step touches the database
directly: only the people are made with factories at the start.
"""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from koppel.matches.domain import adapter
from koppel.matches.domain import agreement as agreement_domain
from koppel.matches.domain.closure import add_months
from koppel.matches.enums import (
    ClosureKind,
    ClosureReason,
    ConsentVia,
    ContactWith,
    EndedBy,
    MatchOrigin,
    MatchState,
    Party,
)
from koppel.matches.models import Closure, Consent, Match, MeetingLog, SupportContact
from koppel.people.enums import MentorStatus, YouthStatus
from tests import factories as f
from tests.factories.matching import WaitingYouthFactory
from tests.factories.training import ExternalHoursFactory
from tests.test_intake_walkthrough import _initial

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
# The match starts today, the day everyone consented (AGR-1: never before the last consent), so
# today is far before the agreed end (an early closure).
STARTED = TODAY
LINK = re.compile(r"/link/consent/[^/\s\"]+/")


def submit(client, page_url, values: dict, *, form=None, post_url=None, button=None, follow=False):
    """GET the page, fill in the form it rendered with `values` and POST it, like a person would.

    `form(context)` picks the form from the page's context (default: context["form"]); every name
    in `values` must be a field of that form that the page renders. `button`: the name of the
    submit button pressed, when the view tells buttons apart.
    """
    page = client.get(page_url)
    assert page.status_code == 200, page_url
    bound = form(page.context) if form else page.context["form"]
    data = _initial(bound)
    names = {field.html_name for field in bound}
    unknown = set(values) - names
    assert not unknown, f"not in the page's form {page_url}: {unknown}"
    not_rendered = {name for name in values if f'name="{name}"' not in page.text}
    assert not not_rendered, f"not rendered on the page {page_url}: {not_rendered}"
    for name, value in values.items():
        if value is False or value is None:
            data.pop(name, None)
        else:
            data[name] = value
    if button is not None:
        assert f'name="{button}"' in page.text, f"no button {button} on {page_url}"
        data[button] = ""
    return client.post(post_url or page_url, data, follow=follow)


def _errors(response) -> str:
    context = response.context or {}
    found = [
        str(context[key].errors)
        for key in ("form", "introduce_form", "activate_form", "start_form")
        if key in context and context[key] is not None and context[key].errors
    ]
    found += [str(p["form"].errors) for p in context.get("parties") or [] if p["form"].errors]
    return "; ".join(found)


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def _consent_worklist_entries(client) -> list[str]:
    page = client.get(reverse("staff:worklist"))
    assert page.status_code == 200
    section = next(s for s in page.context["sections"] if s.key == "consent_pending")
    return [item.url for item in section.items]


def _state_on_page(client, match) -> str:
    page = client.get(reverse("staff:match_detail", args=[match.pk]))
    assert page.status_code == 200
    return page.context["match"].state


def test_a_coordinator_takes_a_match_from_proposal_to_early_closure_and_rematches_the_youth(
    cast, client_for, django_capture_on_commit_callbacks
):
    # The people: a mentor ready to match and a youth on the waiting list, each with a
    # portal account; the youth's mother (the cast's guardian) has parental authority.
    cast.coordinator.language = "en"
    cast.coordinator.save()
    mentor = f.MentorFactory(
        programme=cast.programme,
        status=MentorStatus.READY,
        coordinator=cast.coordinator,
        first_name="Sanne",
        last_name="de Vries",
        user=f.UserFactory(email="sanne@example.org", language="en"),
    )
    # TRN-1: trained two months ago, well before the match (hours after its start do not count).
    ExternalHoursFactory(mentor=mentor, date=TODAY - timedelta(days=60), hours=Decimal("6"))
    youth = WaitingYouthFactory(
        programme=cast.programme,
        coordinator=cast.coordinator,
        first_name="Noor",
        last_name="Bakker",
        user=f.UserFactory(email="noor@example.org", language="en"),
    )
    guardian = cast.guardian_row
    f.GuardianshipFactory(youth=youth, guardian=guardian, has_parental_authority=True)
    first_waiting_since = youth.waiting_since
    assert first_waiting_since < TODAY

    staff = client_for(cast.coordinator)
    mentor_portal = client_for(mentor.user)
    youth_portal = client_for(youth.user)
    public = client_for(None)

    # 0. The coordinator proposes the pair by hand (MAT-6) with the page's "propose" button.
    response = submit(
        staff,
        reverse("staff:matching_pair", args=[cast.programme.pk]),
        {
            "youth": str(youth.pk),
            "mentors": str(mentor.pk),
            "origin": MatchOrigin.CLICK,
            "note": "They met at the club day.",
        },
        button="propose",
    )
    assert response.status_code == 302, _errors(response)
    match = Match.objects.get(youth=youth)
    assert match.state == MatchState.PROPOSED
    mentor.refresh_from_db()
    youth.refresh_from_db()
    assert mentor.status == MentorStatus.READY  # "matched" follows once the match starts
    assert youth.status == YouthStatus.MATCHED
    assert youth not in adapter.waiting_youth(cast.programme)
    assert mentor not in adapter.available_mentors(cast.programme)
    detail_url = reverse("staff:match_detail", args=[match.pk])
    assert _state_on_page(staff, match) == MatchState.PROPOSED

    # 1. The first meeting, with the coordinator present: introduced.
    response = submit(
        staff,
        detail_url,
        {"on": (TODAY - timedelta(days=14)).isoformat(), "note": "A warm first meeting at home."},
        form=lambda c: c["introduce_form"],
        post_url=reverse("staff:match_introduce", args=[match.pk]),
        follow=True,
    )
    assert response.status_code == 200, _errors(response)
    assert response.redirect_chain[-1][0] == detail_url
    assert "The first meeting was recorded." in _messages(response)
    match.refresh_from_db()
    assert match.state == MatchState.INTRODUCED
    assert match.introduced_on == TODAY - timedelta(days=14)
    assert match.introduced_by == cast.coordinator
    assert response.context["match"].state == MatchState.INTRODUCED

    # 2. The coordinator writes the agreement (AGR-1): agreed; every party is asked to consent.
    agreement_url = reverse("staff:match_agreement", args=[match.pk])
    assert reverse("staff:match_agreement_edit", args=[match.pk]) in staff.get(agreement_url).text
    response = submit(
        staff,
        reverse("staff:match_agreement_edit", args=[match.pk]),
        {
            "start_date": STARTED.isoformat(),
            "goals": "Find a sports club and keep going to school.",
            "holiday_expectations": "We meet every other week in the summer holiday.",
        },
    )
    assert response.status_code == 302, _errors(response)
    assert response["Location"] == agreement_url
    match.refresh_from_db()
    assert match.state == MatchState.AGREED
    agreement = match.agreements.get()
    assert (agreement.number, agreement.start_date) == (1, STARTED)
    assert agreement.duration_months == cast.programme.settings.min_duration_months == 12
    page = staff.get(agreement_url)
    assert {r["consent"].party: (r["person"], r["consent"].given_at) for r in page.context["rows"]} == {
        Party.MENTOR: (mentor, None),
        Party.GUARDIAN: (guardian, None),
        Party.YOUTH: (youth, None),
    }
    assert page.context["pending"] == 3
    # Each pending party's personal link is on the page, in a read-only field, for copying.
    guardian_row = next(r for r in page.context["rows"] if r["consent"].party == Party.GUARDIAN)
    assert LINK.search(guardian_row["link"])
    assert f'readonly value="{guardian_row["link"]}"' in page.text
    # The match waits for consent on the coordinator's worklist.
    assert _consent_worklist_entries(staff) == [agreement_url]

    # 3. The coordinator e-mails the personal links (after commit).
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(reverse("staff:match_agreement_send_links", args=[match.pk]), follow=True)
    assert response.redirect_chain[-1][0] == agreement_url
    assert "The personal links are being e-mailed to 3 parties." in _messages(response)
    # The mentor gets a link; the mother gets her own and (the youth is 13) one for her child.
    assert sorted(m.to[0] for m in mail.outbox) == sorted([mentor.email, guardian.email, guardian.email])
    with translation.override(guardian.preferred_language or "nl"):
        own_subject = str(agreement_domain.MAIL_SUBJECT)
    guardian_mail = next(m for m in mail.outbox if m.to == [guardian.email] and m.subject == own_subject)
    guardian_link = LINK.search(guardian_mail.body).group(0)

    # 4a. The mentor consents in the portal, typing their full name.
    portal_agreement = reverse("portal:agreement", args=[match.pk])
    page = mentor_portal.get(portal_agreement)
    assert page.status_code == 200
    assert page.context["own_pending"].party == Party.MENTOR
    response = submit(
        mentor_portal, portal_agreement, {"typed_name": "Sanne de Vries", "agree": "on"}, follow=True
    )
    assert response.status_code == 200, _errors(response)
    assert response.redirect_chain[-1][0] == portal_agreement
    assert response.context["own_pending"] is None

    # 4b. The youth consents in the portal.
    page = youth_portal.get(portal_agreement)
    assert page.status_code == 200
    assert page.context["own_pending"].party == Party.YOUTH
    response = submit(youth_portal, portal_agreement, {"typed_name": "noor  bakker", "agree": "on"})
    assert response.status_code == 302, _errors(response)
    assert _consent_worklist_entries(staff) == [agreement_url]  # still one consent to go
    page = staff.get(detail_url)
    assert page.context["match"].state == MatchState.AGREED

    # 4c. The mother opens her personal link without logging in and consents.
    page = public.get(guardian_link)
    assert page.status_code == 200
    assert page.context["consent"].party == Party.GUARDIAN
    response = submit(public, guardian_link, {"typed_name": guardian.full_name, "agree": "on"})
    assert response.status_code == 200, _errors(response)
    assert response.templates[0].name == "portal/agreement/link_thanks.html"
    consents = {c.party: c for c in Consent.objects.filter(agreement=agreement)}
    assert {p: c.via for p, c in consents.items()} == {
        Party.MENTOR: ConsentVia.PORTAL,
        Party.YOUTH: ConsentVia.PORTAL,
        Party.GUARDIAN: ConsentVia.LINK,
    }
    assert all(c.given_at is not None for c in consents.values())
    assert consents[Party.YOUTH].typed_name == "noor bakker"
    # All consented: the worklist entry is gone, and the agreement page says so.
    assert _consent_worklist_entries(staff) == []
    assert staff.get(agreement_url).context["pending"] == 0
    # A used link does not work twice.
    used = public.get(guardian_link)
    assert used.templates[0].name == "portal/agreement/link_invalid.html"
    assert 'name="typed_name"' not in used.text

    # 5. The coordinator starts the match (the AGR-1 gate is open), not before the last consent.
    response = submit(
        staff,
        detail_url,
        {"started_on": (TODAY - timedelta(days=7)).isoformat()},
        form=lambda c: c["activate_form"],
        post_url=reverse("staff:match_activate", args=[match.pk]),
        follow=True,
    )
    errors = response.context["activate_form"].non_field_errors()
    assert errors[0].startswith("AGR-1: the match cannot start before everyone had consented")
    match.refresh_from_db()
    assert match.state == MatchState.AGREED
    response = submit(
        staff,
        detail_url,
        {"started_on": STARTED.isoformat()},
        form=lambda c: c["activate_form"],
        post_url=reverse("staff:match_activate", args=[match.pk]),
        follow=True,
    )
    assert response.status_code == 200, _errors(response)
    assert "The match has started." in _messages(response)
    match.refresh_from_db()
    assert (match.state, match.started_on) == (MatchState.ACTIVE, STARTED)
    mentor.refresh_from_db()
    assert mentor.status == MentorStatus.MATCHED  # the match became active
    assert response.context["match"].state == MatchState.ACTIVE

    # 6. The mentor logs two meetings on their phone, both today.
    meetings_url = reverse("portal:match_meetings", args=[match.pk])
    log_url = reverse("portal:meeting_log", args=[match.pk])
    assert log_url in mentor_portal.get(meetings_url).text
    for held_on, activity, note in (
        (TODAY, "fun", "We played football."),
        (TODAY, "learning", "Homework planning."),
    ):
        response = submit(
            mentor_portal,
            log_url,
            {
                "held_on": held_on.isoformat(),
                "duration": "90",
                "activity": activity,
                "how_it_went": "good",
                "note": note,
            },
        )
        assert response.status_code == 302, _errors(response)
        assert response["Location"] == meetings_url
    meetings = list(MeetingLog.objects.filter(match=match).order_by("held_on"))
    assert [(m.held_on, m.duration_minutes, m.activity) for m in meetings] == [
        (TODAY, 90, "fun"),
        (TODAY, 90, "learning"),
    ]
    assert meetings[0].mentor == mentor

    # 7. The youth sees both meetings and confirms yesterday's.
    page = youth_portal.get(meetings_url)
    assert page.status_code == 200
    confirm_url = reverse("portal:meeting_confirm", args=[meetings[0].pk])
    assert f'action="{confirm_url}"' in page.text
    assert f'action="{reverse("portal:meeting_confirm", args=[meetings[1].pk])}"' in page.text
    response = youth_portal.post(confirm_url, follow=True)
    assert response.redirect_chain[-1][0] == meetings_url
    assert "Thank you for confirming the meeting." in _messages(response)
    assert f'action="{confirm_url}"' not in response.text
    confirmed = {m.pk: m.confirmed_by_youth_at for m in MeetingLog.objects.filter(match=match)}
    assert confirmed[meetings[0].pk] is not None
    assert confirmed[meetings[1].pk] is None

    # 8. The coordinator logs a support contact with the mentor and one with the mother (SUP-2).
    support_url = reverse("staff:match_support", args=[match.pk])
    for with_whom, who, channel, topics in (
        (ContactWith.MENTOR, {"mentor": str(mentor.pk)}, "phone", ["attention", "activities"]),
        (ContactWith.GUARDIAN, {"guardian": str(guardian.pk)}, "visit", ["impact"]),
    ):
        response = submit(
            staff,
            support_url,
            {
                "held_on": TODAY.isoformat(),
                "with_whom": with_whom,
                **who,
                "channel": channel,
                "topics": topics,
                "notes": "Going fine so far.",
            },
            post_url=reverse("staff:match_support_add", args=[match.pk]),
        )
        assert response.status_code == 302, _errors(response)
        assert response["Location"] == support_url
    contacts = list(SupportContact.objects.filter(match=match).order_by("id"))
    assert [(c.with_whom, c.mentor, c.guardian, c.channel, c.topics) for c in contacts] == [
        (ContactWith.MENTOR, mentor, None, "phone", ["attention", "activities"]),
        (ContactWith.GUARDIAN, None, guardian, "visit", ["impact"]),
    ]
    assert [c.pk for c in staff.get(support_url).context["contacts"]] == [c.pk for c in contacts[::-1]]

    # 9. It does not click: the coordinator starts an early closure today, ended by the mentor.
    closure_url = reverse("staff:match_closure", args=[match.pk])
    agreed_end = add_months(STARTED, 12)
    page = staff.get(closure_url)
    assert page.context["agreed_end"].on == agreed_end
    assert 'id="early-flag"' in page.text
    response = submit(
        staff,
        closure_url,
        {
            "reason": ClosureReason.NO_CLICK,
            "ended_by": EndedBy.MENTOR,
            "reason_note": "They never found common ground.",
        },
        form=lambda c: c["start_form"],
    )
    assert response.status_code == 302, _errors(response)
    assert response["Location"] == closure_url
    closure = Closure.objects.get(match=match)
    assert closure.early is True
    assert closure.kind == ClosureKind.EARLY
    assert (closure.reason, closure.ended_by, closure.ends_on) == (
        ClosureReason.NO_CLICK,
        EndedBy.MENTOR,
        TODAY,
    )
    assert closure.contact_after == agreement.contact_after  # the agreement's, as the form offered
    page = staff.get(closure_url)
    assert page.context["match"].state == MatchState.CLOSING
    assert 'id="early-badge"' in page.text
    assert "No click between mentor and youth" in page.text
    assert _state_on_page(staff, match) == MatchState.CLOSING

    # 10. Closing is refused until a conversation was held with each party (CLS-1).
    response = staff.post(reverse("staff:match_close", args=[match.pk]), follow=True)
    assert any(m.startswith("CLS-1: hold a closure conversation") for m in _messages(response))
    match.refresh_from_db()
    assert match.state == MatchState.CLOSING

    # 11. A closure conversation with each party: the mentor, the youth, the mother.
    keys = [p["slot"].key for p in page.context["parties"]]
    assert keys == [f"mentor:{mentor.pk}", "youth", f"guardian:{guardian.pk}"]
    for index, (went_well, rating) in enumerate(
        (("Honest talks.", "3"), ("The football.", "2"), ("Clear agreements.", "4"))
    ):
        response = submit(
            staff,
            closure_url,
            {"held_on": TODAY.isoformat(), "went_well": went_well, "rating": rating},
            form=lambda c, i=index: c["parties"][i]["form"],
            post_url=reverse("staff:closure_conversation_add", args=[match.pk]),
        )
        assert response.status_code == 302, _errors(response)
    page = staff.get(closure_url)
    assert [p["held"] for p in page.context["parties"]] == [True, True, True]
    assert page.context["missing"] == []
    assert sorted(c.rating for c in closure.conversations.all()) == [2, 3, 4]

    # 12. The coordinator closes the match: the mentor is ready to match again (no "training done"
    # mail: the closure conversation told them).
    sent_before = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(reverse("staff:match_close", args=[match.pk]), follow=True)
    assert response.redirect_chain[-1][0] == closure_url
    assert "The match is closed." in _messages(response)
    match.refresh_from_db()
    assert (match.state, match.ended_on) == (MatchState.CLOSED, TODAY)
    closure.refresh_from_db()
    assert closure.closed_at is not None
    mentor.refresh_from_db()
    youth.refresh_from_db()
    assert mentor.status == MentorStatus.READY
    assert mail.outbox[sent_before:] == []
    assert youth.status == YouthStatus.CLOSED
    assert response.context["can_rematch"] is True
    assert _state_on_page(staff, match) == MatchState.CLOSED
    assert mentor in adapter.available_mentors(cast.programme)
    assert youth not in adapter.waiting_youth(cast.programme)

    # 13. Rematch: the youth is back on the waiting list, waiting since today.
    response = staff.post(reverse("staff:match_rematch", args=[match.pk]), follow=True)
    assert response.redirect_chain[-1][0] == closure_url
    assert "The youth is back on the waiting list for a new match." in _messages(response)
    assert response.context["can_rematch"] is False
    youth.refresh_from_db()
    assert youth.status == YouthStatus.WAITING
    assert youth.waiting_since == TODAY != first_waiting_since
    assert youth in adapter.waiting_youth(cast.programme)
    assert mentor in adapter.available_mentors(cast.programme)
    page = staff.get(reverse("staff:waiting_list"), {"programme": cast.programme.pk})
    assert youth.pk in {row.youth.pk for row in page.context["rows"]}
