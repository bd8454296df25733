"""The demo's matches after matching: agreements and consents, meetings, support contacts, holidays,
resources, concerns, and matches in every state (introduced, agreed with consent pending, active,
paused, closing, closed early and rematched, closed as planned). Deterministic: its own random seed.

Every step goes through the function a coordinator's page calls, so the rules hold as they do for
users: introduce_match, write_agreement and give_consent, activate_match (AGR-1: everyone consented),
pause_match, start_closure, record_closure_conversation and close_match (CLS-1), rematch_youth,
raise_concern and close_concern, add_holiday, create_resource. The story's dates are set back afterwards
(koppel.demo.direct). Only the meeting logs and support contacts are saved as rows in bulk (see
`record_meeting_history` for why).
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from koppel.common.dates import add_months
from koppel.demo.direct import (
    backdate_agreement,
    backdate_closure,
    backdate_concern,
    backdate_consent,
    backdate_event,
    backdate_match,
    backdate_match_event,
    backdate_waiting_since,
    record_meeting_history,
)
from koppel.matches.domain.agreement import give_consent, write_agreement
from koppel.matches.domain.closure import (
    close_match,
    record_closure_conversation,
    rematch_youth,
    start_closure,
)
from koppel.matches.domain.concerns import close_concern, raise_concern
from koppel.matches.domain.lifecycle import activate_match, introduce_match, pause_match
from koppel.matches.domain.meetings import add_holiday
from koppel.matches.domain.resources import create_resource
from koppel.matches.enums import (
    ActivityKind,
    ClosureReason,
    ConsentVia,
    ContactAfterClosure,
    ContactChannel,
    ContactWith,
    EndedBy,
    HowItWent,
    MatchState,
    Party,
    ResourceKind,
    ResourceTopic,
    SupportTopic,
)
from koppel.matches.models import (
    Agreement,
    HolidayPeriod,
    Match,
    MeetingLog,
    SupportContact,
)
from koppel.people.enums import MentorStatus
from koppel.people.models import Guardianship
from koppel.programmes.enums import Location
from koppel.programmes.models import Programme

SEED = 2027

RESOURCES = [
    # (title, kind, topic, url, description, mentors, youth, guardians)
    (
        "Mentoring van jongeren: wat werkt",
        ResourceKind.PUBLICATION,
        ResourceTopic.STARTING,
        "https://www.nji.nl/",
        "Het Nederlands Jeugdinstituut over wat werkt bij mentoring van jongeren.",
        True,
        False,
        True,
    ),
    (
        "Kindertelefoon",
        ResourceKind.AGENCY,
        ResourceTopic.WELLBEING,
        "https://www.kindertelefoon.nl/",
        "Gratis en anoniem praten of chatten, voor kinderen en jongeren tot 18 jaar.",
        True,
        True,
        True,
    ),
    (
        "Veilig Thuis",
        ResourceKind.AGENCY,
        ResourceTopic.SAFETY,
        "https://veiligthuis.nl/",
        "Advies en meldpunt bij huiselijk geweld en kindermishandeling: 0800-2000.",
        True,
        False,
        True,
    ),
    (
        "113 Zelfmoordpreventie",
        ResourceKind.AGENCY,
        ResourceTopic.WELLBEING,
        "https://www.113.nl/",
        "Praten over gedachten aan zelfdoding, dag en nacht: 0800-0113.",
        True,
        True,
        True,
    ),
    (
        "Jellinek: alcohol en drugs",
        ResourceKind.WEBSITE,
        ResourceTopic.WELLBEING,
        "https://www.jellinek.nl/",
        "Informatie over alcohol en drugs voor jongeren en ouders.",
        True,
        True,
        True,
    ),
    (
        "Activiteitenlijst voor maatjes in Rotterdam-Zuid",
        ResourceKind.EXPERIENCE,
        ResourceTopic.ACTIVITIES,
        "",
        (
            "Wat ervaren mentoren samen met hun maatje deden: sporten in het Zuiderpark, de bibliotheek, "
            "koken in het buurthuis, een museum met de Rotterdampas."
        ),
        True,
        True,
        False,
    ),
    (
        "Afscheid nemen van je maatje",
        ResourceKind.EXPERIENCE,
        ResourceTopic.CLOSURE,
        "",
        (
            "Tips van coördinatoren voor een goed afscheid: op tijd aankondigen, samen terugkijken, iets "
            "blijvends meegeven."
        ),
        True,
        False,
        False,
    ),
]


def _at(day: date, hour: int = 19) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def school_holidays(programme: Programme, today: date) -> list[HolidayPeriod]:
    """The usual Dutch school holidays of this school year and the last one (approximate weeks)."""
    rows = []
    for year in (today.year - 1, today.year):

        def week(number: int, length: int = 1, year: int = year) -> tuple[date, date]:
            start = date.fromisocalendar(year, number, 6) - timedelta(days=7)
            return start, start + timedelta(days=7 * length + 1)

        for name, (starts, ends) in (
            ("Voorjaarsvakantie", week(8)),
            ("Meivakantie", week(18, 2)),
            ("Zomervakantie", week(29, 6)),
            ("Herfstvakantie", week(43)),
            ("Kerstvakantie", (date(year, 12, 19), date(year + 1, 1, 3))),
        ):
            rows.append(
                HolidayPeriod(
                    programme=programme, name=f"{name} {starts.year}", starts_on=starts, ends_on=ends
                )
            )
    return rows


class Relationships:
    def __init__(
        self, today: date, coordinators: dict[int, object], login_match_id: int, starts: dict[int, date]
    ):
        self.rng = random.Random(SEED)
        self.starts = starts  # match id -> the day the match started (the others are proposals)
        self.today = today
        self.coordinators = coordinators  # programme id -> user
        self.login_match_id = login_match_id
        self.meetings: list[MeetingLog] = []
        self.contacts: list[SupportContact] = []

    # -- helpers --

    def agreement(self, match: Match, start: date, *, given: set[str] | None = None) -> Agreement:
        """Agreement v1 (AGR-1), written a week before the start; consents of the parties in `given`
        (None: everyone) are given, a few days before the start."""
        settings = match.programme.settings
        school = match.programme.kind == "school"
        by = self.coordinators[match.programme_id]
        agreement = write_agreement(
            match,
            by=by,
            expected_number=0,
            values={
                "start_date": start,
                "duration_months": settings.min_duration_months if not school else 10,
                "meeting_interval_days": settings.meeting_interval_days,
                "place": Location.SCHOOL
                if school
                else self.rng.choice([Location.COMMUNITY_CENTRE, Location.FREE]),
                "place_detail": "Mentorlokaal, tweede verdieping" if school else "",
                "approach": match.programme.approach,
                "goals": match.youth.goals,
                "holiday_expectations": (
                    "In de schoolvakanties spreken we niet af; in de zomer sturen we elkaar een kaartje."
                    if school
                    else ""
                ),
                "contact_after": ContactAfterClosure.THROUGH_PROGRAMME,
            },
        )
        written = _at(start - timedelta(days=7), 10)
        backdate_agreement(agreement, written)
        # Signed a few days before the start, and never later than now.
        signed = min(_at(start - timedelta(days=3), 20), timezone.now() - timedelta(hours=1))
        parties = [(Party.MENTOR, m, m.full_name) for m in match.mentors.all()]
        parties.append((Party.YOUTH, match.youth, match.youth.full_name))
        for link in Guardianship.objects.filter(
            youth=match.youth, has_parental_authority=True
        ).select_related("guardian"):
            parties.append((Party.GUARDIAN, link.guardian, link.guardian.full_name))
        consents = {
            (c.party, c.mentor_id or c.guardian_id or c.youth_id): c for c in agreement.consents.all()
        }
        for party, person, name in parties:
            consent = consents[(party, person.pk)]
            if given is None or party in given:
                via = self.rng.choice([ConsentVia.PORTAL, ConsentVia.LINK, ConsentVia.PAPER])
                give_consent(consent, typed_name=name, via=via)
                backdate_consent(
                    consent, asked_at=written, link_sent_at=_at(start - timedelta(days=6), 9), given_at=signed
                )
            else:
                backdate_consent(consent, asked_at=written, link_sent_at=_at(start - timedelta(days=6), 9))
        return agreement

    def meetings_for(self, match: Match, start: date, end: date, *, stop_early_days: int = 0) -> None:
        """About weekly meetings from the start, with a missed week now and then."""
        mentors = list(match.mentors.all())
        school = match.programme.kind == "school"
        day = start + timedelta(days=self.rng.randint(2, 6))
        last = end - timedelta(days=stop_early_days)
        while day <= last:
            if self.rng.random() < 0.88:
                activity = self.rng.choices(
                    [ActivityKind.FUN, ActivityKind.LEARNING, ActivityKind.BOTH], weights=[4, 3, 3]
                )[0]
                self.meetings.append(
                    MeetingLog(
                        match=match,
                        mentor=self.rng.choice(mentors),
                        held_on=day,
                        duration_minutes=self.rng.choice([45, 60, 60, 90, 120]),
                        place=Location.SCHOOL
                        if school
                        else self.rng.choice([Location.COMMUNITY_CENTRE, Location.FREE]),
                        activity=activity,
                        note=self.rng.choice(NOTES[activity]),
                        how_it_went=self.rng.choices(
                            [HowItWent.GOOD, HowItWent.OK, HowItWent.DIFFICULT], weights=[6, 3, 1]
                        )[0],
                        confirmed_by_youth_at=_at(day, 21) if self.rng.random() < 0.6 else None,
                    )
                )
            day += timedelta(days=self.rng.choice([6, 7, 7, 7, 8]))

    def support_for(self, match: Match, start: date, end: date) -> None:
        """SUP-1 contacts: twice a month for 3 months, monthly to a year, then every 3 months; now and
        then one is late or missed."""
        settings = match.programme.settings
        mentors = list(match.mentors.all())
        guardian = (
            Guardianship.objects.filter(youth=match.youth, has_parental_authority=True)
            .select_related("guardian")
            .first()
        )
        due = start + timedelta(days=14)
        while due <= end:
            months = (due - start).days / 30.4
            if months < settings.support_intensive_months:
                step = 15
            elif months < 12:
                step = 30
            else:
                step = 91
            for with_whom in (ContactWith.MENTOR, ContactWith.GUARDIAN):
                if with_whom == ContactWith.GUARDIAN and (guardian is None or self.rng.random() < 0.3):
                    continue
                if self.rng.random() < 0.12:
                    continue  # missed
                held = due + timedelta(days=self.rng.choice([-2, 0, 1, 3, 9]))
                if held > self.today:
                    continue
                self.contacts.append(
                    SupportContact(
                        match=match,
                        held_on=held,
                        with_whom=with_whom,
                        mentor=self.rng.choice(mentors) if with_whom == ContactWith.MENTOR else None,
                        guardian=guardian.guardian
                        if with_whom == ContactWith.GUARDIAN and guardian
                        else None,
                        channel=self.rng.choice(list(ContactChannel.values)),
                        topics=sorted(self.rng.sample(list(SupportTopic.values), self.rng.randint(1, 3))),
                        notes="",
                        by=self.coordinators[match.programme_id],
                    )
                )
            due += timedelta(days=step)

    # -- all together --

    def run(self, programmes: list[Programme]) -> None:
        today = self.today
        for programme in programmes:
            if programme.kind == "school":  # REL-4: school holidays do not count towards REL-1
                for holiday in school_holidays(programme, today):
                    add_holiday(
                        programme,
                        by=self.coordinators[programme.pk],
                        values={
                            "name": holiday.name,
                            "starts_on": holiday.starts_on,
                            "ends_on": holiday.ends_on,
                        },
                    )
        organisation = programmes[0].organisation
        for title, kind, topic, url, description, mentors, youth, guardians in RESOURCES:
            create_resource(
                organisation,
                by=self.coordinators[programmes[0].pk],
                values={
                    "title": title,
                    "kind": kind,
                    "topic": topic,
                    "url": url,
                    "description": description,
                    "for_mentors": mentors,
                    "for_youth": youth,
                    "for_guardians": guardians,
                },
            )
        matches = list(
            Match.objects.filter(programme__in=programmes)
            .select_related("programme__settings", "youth")
            .prefetch_related("mentors")
            .order_by("programme_id", "id")
        )
        community = [m for m in matches if m.programme.kind != "school"]
        proposed = [m for m in community if m.pk not in self.starts]
        active = [m for m in community if m.pk in self.starts and m.pk != self.login_match_id]
        # Every state: proposed stays, one introduced, one agreed with consents pending; among the
        # active: one paused, one closing, one closed early and rematched, one closed as planned.
        introduced = proposed[0] if proposed else None
        agreed = proposed[1] if len(proposed) > 1 else None
        active.sort(key=lambda m: self.starts[m.pk])
        closed_planned = active[0]  # the longest running
        closing = active[1]
        closed_early = active[-1]  # the most recent
        paused = active[-2]
        for match in matches:
            if match.pk in self.starts:
                self.started(match)
                match.refresh_from_db(fields=["state", "started_on", "version"])
        if introduced:
            self.introduce(introduced, today - timedelta(days=5))
        if agreed:
            self.introduce(agreed, today - timedelta(days=12))
            self.agree(agreed, today - timedelta(days=4))
        self.pause(paused)
        self.close(closing, planned=True, finished=False)
        self.close(closed_planned, planned=True, finished=True)
        self.close(closed_early, planned=False, finished=True)
        self.concerns(community)
        record_meeting_history(self.meetings, self.contacts)

    def introduce(self, match: Match, day: date) -> None:
        """The first meeting, with the coordinator there (proposed -> introduced)."""
        introduce_match(
            match,
            by=self.coordinators[match.programme_id],
            on=day,
            staff_member=self.coordinators[match.programme_id],
            note="Kennismaking bij het gezin thuis; het klikte.",
        )
        backdate_match(match, proposed_at=_at(day - timedelta(days=9), 11))
        backdate_match_event(match, MatchState.INTRODUCED, _at(day, 10))

    def agree(self, match: Match, day: date) -> None:
        """The agreement written (introduced -> agreed); only the mentor has consented so far."""
        self.agreement(match, day + timedelta(days=7), given={Party.MENTOR})
        backdate_match(match, agreed_on=day)
        backdate_match_event(match, MatchState.AGREED, _at(day, 10))

    def started(self, match: Match) -> None:
        """Introduced, agreed, everyone consented (AGR-1), started; then its meetings and support."""
        start = self.starts[match.pk]
        by = self.coordinators[match.programme_id]
        introduced = start - timedelta(days=14)
        introduce_match(match, by=by, on=introduced, staff_member=by)
        self.agreement(match, start)
        activate_match(match, by=by, started_on=start)
        backdate_match(
            match, proposed_at=_at(introduced - timedelta(days=9), 11), agreed_on=start - timedelta(days=7)
        )
        backdate_match_event(match, MatchState.INTRODUCED, _at(introduced, 10))
        backdate_match_event(match, MatchState.AGREED, _at(start - timedelta(days=7), 10))
        backdate_match_event(match, MatchState.ACTIVE, _at(start, 10))
        # A few matches have not logged a meeting for a while (the REL-1 alert has something to show).
        quiet = 0 if match.pk == self.login_match_id else self.rng.choice([0, 0, 0, 0, 16, 25])
        self.meetings_for(match, start, self.today, stop_early_days=quiet)
        self.support_for(match, start, self.today)

    def pause(self, match: Match) -> None:
        since = self.today - timedelta(days=10)
        pause_match(
            match,
            by=self.coordinators[match.programme_id],
            since=since,
            reason="De mentor is drie weken op reis.",
        )

    def close(self, match: Match, *, planned: bool, finished: bool) -> None:
        """The closure (CLS-1): started two weeks before the last day, a conversation with each party,
        then closed on the last day (`finished`) or still closing with one conversation held."""
        start = self.starts[match.pk]
        by = self.coordinators[match.programme_id]
        agreed_end = add_months(start, match.programme.settings.min_duration_months)
        ends_on = (
            max(agreed_end, self.today - timedelta(days=20)) if planned else self.today - timedelta(days=12)
        )
        if finished and planned:
            ends_on = min(agreed_end, self.today - timedelta(days=30))
        early = ends_on < agreed_end
        closure = start_closure(
            match,
            by=by,
            reason=ClosureReason.DURATION_REACHED if not early else ClosureReason.NO_CLICK,
            ends_on=ends_on,
            ended_by=EndedBy.YOUTH if early else "",
            reason_note=""
            if not early
            else "Het klikte niet echt; de jongere gaf aan liever iemand anders te willen.",
            contact_after=ContactAfterClosure.THROUGH_PROGRAMME,
        )
        backdate_match_event(match, MatchState.CLOSING, _at(ends_on - timedelta(days=14), 10))
        conversation_day = min(ends_on, self.today)
        parties = [(Party.MENTOR, {"mentor": m}) for m in match.mentors.all()] + [(Party.YOUTH, {})]
        guardian = Guardianship.objects.filter(youth=match.youth, has_parental_authority=True).first()
        if guardian:
            parties.append((Party.GUARDIAN, {"guardian": guardian.guardian}))
        held = parties if finished else parties[:1]
        for party, person in held:
            record_closure_conversation(
                closure,
                by=by,
                values={
                    "party": party,
                    **person,
                    "held_on": conversation_day,
                    "went_well": "De wekelijkse afspraken en samen sporten."
                    if not early
                    else "De eerste kennismaking.",
                    "could_be_better": "" if not early else "Meer gedeelde interesses.",
                    "rating": 4 if not early else 2,
                    "would_recommend": True,
                },
            )
        if not finished:
            return
        # Closed on the last day: the mentors are available again, the youth's match is over; after
        # the early ending the youth is back on the waiting list (rematch).
        close_match(match, by=by)
        backdate_closure(closure, closed_at=_at(ends_on, 16))
        backdate_match_event(match, MatchState.CLOSED, _at(ends_on, 10))
        for mentor in match.mentors.all():
            released = mentor.pipeline_events.filter(from_status=MentorStatus.MATCHED).order_by("-id").first()
            if released is not None:
                backdate_event(released, _at(ends_on, 17))
        if early:
            youth = rematch_youth(match, by=by)
            backdate_waiting_since(youth, ends_on)
        # The meetings stop at the end.
        self.meetings = [m for m in self.meetings if m.match_id != match.pk or m.held_on <= ends_on]
        self.contacts = [c for c in self.contacts if c.match_id != match.pk or c.held_on <= ends_on]

    def concerns(self, community: list[Match]) -> None:
        active = [m for m in community if m.state == MatchState.ACTIVE and m.pk != self.login_match_id]
        if len(active) < 2:
            return
        coordinator = self.coordinators[active[0].programme_id]
        # A parent's concern two days ago, still open; a mentor's, handled and closed three weeks ago.
        recent = raise_concern(
            active[0].programme,
            by=None,
            match=active[0],
            raised_as=Party.GUARDIAN,
            text="Mijn zoon komt de laatste tijd erg stil thuis na de afspraken. Kunnen we even bellen?",
        )
        handled = raise_concern(
            active[1].programme,
            by=None,
            match=active[1],
            raised_as=Party.MENTOR,
            text="Mijn maatje vertelde dat hij gepest wordt op school.",
        )
        close_concern(
            handled,
            by=coordinator,
            outcome="Met ouders en mentor gesproken; school is ingelicht en houdt een oogje in het zeil.",
        )
        backdate_concern(recent, raised_at=_at(self.today - timedelta(days=2), 18))
        backdate_concern(
            handled,
            raised_at=_at(self.today - timedelta(days=26), 21),
            closed_at=_at(self.today - timedelta(days=20), 15),
        )


NOTES = {
    ActivityKind.FUN: [
        "Samen gevoetbald in het Zuiderpark.",
        "Naar de film geweest; daarna patat.",
        "Spelletjes gedaan in het buurthuis.",
        "Gefietst langs de Maas.",
    ],
    ActivityKind.LEARNING: [
        "Huiswerk wiskunde gemaakt; breuken gaan steeds beter.",
        "Planning voor de toetsweek gemaakt.",
        "Samen een sollicitatiebrief voor een bijbaantje geschreven.",
    ],
    ActivityKind.BOTH: [
        "Gekookt in het buurthuis en boodschappen leren rekenen.",
        "Naar de bibliotheek en daarna een ijsje.",
        "Museum bezocht met de Rotterdampas.",
    ],
}
