"""The demo at every stage: campaigns, screening records, training and intakes (called by load.py).

`plan` draws everything on the loader's seeded generator before anything is saved, so it never
changes the names drawn before it; the `save_*`, `screen_mentors` and `mark_ready` steps then record it
through the domain functions (SCR-1..4, TRN-1..5, SUP-4, YTH-1..2 checked on the way) and set the
story's dates back. Every mentor gets the records their status implies:

- applied: a campaign and a channel (or a natural mentor's youth), nothing else yet;
- interview planned: an interview in the next two weeks;
- in screening: the interview held, references partly pending, the VOG requested;
- approved / ready / matched / paused: the programme's positive references, an issued VOG with the
  original seen, a self-disclosure without concern; ready, matched and paused mentors have their
  pre-match training hours (TRN-1), approved ones are still short;
- withdrawn / rejected / disqualified: where they stopped, with the reason.
"""
# A Turkish name has a dotless i:
# ruff: noqa: RUF001

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from koppel.demo.direct import adopt, backdate_event, backdate_review, backdate_waiting_since, values_of
from koppel.people.domain.intake import add_to_waiting_list, record_intake
from koppel.people.domain.pipeline import (
    approve_mentor,
    disqualify_mentor,
    mark_ready_to_match,
    pause_mentor,
    plan_interview,
    reject_mentor,
    start_screening,
    withdraw_mentor,
)
from koppel.people.domain.recruitment import create_campaign
from koppel.people.domain.screening import (
    add_reference,
    record_self_disclosure,
    record_vog,
    review_disclosure,
    update_interview,
    update_vog,
)
from koppel.people.enums import (
    Channel,
    DisclosureDecision,
    DisqualificationReason,
    Importance,
    InterviewKind,
    MentorMotive,
    MentorQuality,
    MentorRoute,
    MentorStatus,
    NaturalMentorRelation,
    Recommendation,
    ReferenceOutcome,
    VogOutcome,
    YouthReferral,
    YouthStatus,
)
from koppel.people.models import (
    Campaign,
    ConductCertificate,
    Intake,
    Interview,
    Mentor,
    PipelineEvent,
    Reference,
    SelfDisclosure,
)
from koppel.training.domain.training import (
    create_peer_group,
    create_session,
    record_attendance,
    record_external_hours,
    record_peer_session_attendance,
    register_for_session,
)
from koppel.training.enums import Audience, HoursKind
from koppel.training.models import ExternalHours, Module, PeerGroup, PeerSession, Registration, Session

S = MentorStatus
IN_POOL = (S.APPROVED, S.READY, S.MATCHED, S.PAUSED)
SCREENED = (*IN_POOL, S.IN_SCREENING, S.WITHDRAWN, S.REJECTED, S.DISQUALIFIED)

# fmt: off
# (name, channel, motive, target group, message, still open)
CAMPAIGNS = {
    "community": [
        ("Vrijwilligerscentrale Zuid", Channel.VOLUNTEER_CENTRE, MentorMotive.ALTRUISM,
         "Buurtbewoners van Rotterdam-Zuid",
         "Een paar uur per week voor een jongere uit je eigen wijk: jij maakt het verschil.", True),
        ("Instagram najaar", Channel.SOCIAL_MEDIA, MentorMotive.PERSONAL,
         "Jongvolwassenen van 20 tot 35 jaar",
         "Groei zelf terwijl je een ander laat groeien. Word maatje op Zuid!", True),
        ("Moskeeën en kerken op Zuid", Channel.RELIGIOUS, MentorMotive.ALTRUISM,
         "Leden van geloofsgemeenschappen in Rotterdam-Zuid",
         "Geef een jongere uit de buurt een steuntje in de rug.", False),
    ],
    "school": [
        ("Studenten Hogeschool Rotterdam", Channel.SCHOOL, MentorMotive.CAREER,
         "Studenten pedagogiek, social work en de lerarenopleiding",
         "Doe praktijkervaring op als mentor op een vmbo-school. Goed voor je cv en je studie.", True),
        ("Erasmus studenten voor Zuid", Channel.SCHOOL, MentorMotive.CAREER,
         "Studenten van de Erasmus Universiteit",
         "Help leerlingen op weg naar hun diploma, naast je eigen studie.", True),
        ("Werkgevers in de haven", Channel.EMPLOYER, MentorMotive.PERSONAL,
         "Medewerkers van bedrijven in de Rotterdamse haven",
         "Laat leerlingen zien wat werken is, en leer er zelf van.", False),
    ],
}
MOTIVATIONS = {
    MentorMotive.CAREER: [
        "Ik wil ervaring opdoen met het begeleiden van jongeren; dat past bij mijn opleiding.",
        "Later wil ik met jongeren werken. Als mentor leer ik nu al veel in de praktijk.",
    ],
    MentorMotive.PERSONAL: [
        "Ik wil mezelf ontwikkelen en leren van iemand met een heel andere achtergrond.",
        "Ik zoek iets zinvols naast mijn werk, waar ik zelf ook van groei.",
    ],
    MentorMotive.ALTRUISM: [
        "Ik ben zelf op Zuid opgegroeid en had toen graag iemand gehad die naast me stond.",
        "Ik heb tijd over en wil die graag geven aan een jongere die dat kan gebruiken.",
        "Iedere jongere verdient iemand die in hem of haar gelooft.",
    ],
}
REFERENCE_RELATIONS = ["oud-werkgever", "teamleider", "docent", "trainer bij de sportclub", "collega",
                       "coördinator vrijwilligerswerk", "buurvrouw", "studieloopbaanbegeleider"]
REFERENCE_NOTES_POSITIVE = ["Betrouwbaar en geduldig.", "Zeer positief, gaat goed om met jongeren.",
                            "Komt afspraken na, denkt mee.", "Warm en nuchter; van harte aanbevolen."]
PAUSE_REASONS = ["Op reis tot na de kerstvakantie.", "Even pauze vanwege drukte op het werk.",
                 "Herstelt van een operatie."]
INTERVIEW_ATTITUDES = ["Realistisch beeld van het mentorschap; wil de jongere zelf laten kiezen.",
                       "Enthousiast, soms wat veel adviezen; besproken.",
                       "Rustig en open; heeft ervaring met jongeren uit de familie."]
YOUTH_MOTIVATIONS = [
    "Wil graag iemand om mee te praten die niet van school of thuis is.",
    "Vindt het lastig om nieuwe dingen te proberen en wil dat samen met iemand doen.",
    "Moeder merkt dat hij veel thuis zit; hij wil zelf ook graag meer naar buiten.",
    "Wil hulp bij het plannen van schoolwerk en iemand die haar aanmoedigt.",
    "Heeft een vriend met een maatje en wil dat ook.",
]
KIND_OF_PERSON = ["Iemand die rustig is en goed luistert.", "Een sportieve mentor.",
                  "Iemand die grappig is en niet te streng.", "Een student die weet hoe het op het mbo is."]
REFERRERS = {
    YouthReferral.SCHOOL: [("Mw. J. de Graaf", "Basisschool De Springplank"),
                           ("Dhr. K. Ouali", "Vmbo De Maaspoort"),
                           ("Mw. S. Ramdin", "Zuidplein College")],
    YouthReferral.YOUTH_WORK: [("Dhr. R. Pinas", "Jongerenwerk Charlois"),
                               ("Mw. A. Yıldız", "Jongerenwerk Feijenoord")],
    YouthReferral.OTHER_PROFESSIONAL: [("Mw. L. Bakker", "Wijkteam Hillesluis")],
}
# (days from today, title, module codes, duration) - mentor sessions, the past ones and the next ones.
MENTOR_SESSIONS = [
    (-160, "Basistraining mentoren, deel 1", ("trn3-verwachtingen", "trn3-doel", "trn3-commitment"), "2"),
    (-130, "Basistraining mentoren, deel 2", ("trn3-programma", "trn3-relatie"), "2"),
    (-100, "Veiligheid en grenzen", ("trn3-veiligheid",), "1.5"),
    (-75, "Basistraining mentoren, deel 1", ("trn3-verwachtingen", "trn3-doel", "trn3-commitment"), "2"),
    (-45, "Verschillen overbruggen", ("trn3-verschillen", "trn3-vooroordelen"), "2"),
    (-20, "Kennismaking: realistische verwachtingen", ("trn3-verwachtingen",), "1"),
    (9, "Basistraining mentoren, deel 1", ("trn3-verwachtingen", "trn3-doel", "trn3-commitment"), "2"),
    (30, "Gespreksvaardigheden", ("trn3-vaardigheden",), "1.5"),
]
MONTH_SESSION = ("Terugkomavond: lastige situaties", ("trn3-complex", "trn3-gezin"), "2")
# fmt: on


def _aware(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@dataclass
class Timeline:
    """The days a mentor went through each step (None: not (yet) reached)."""

    applied: date
    planned: date | None = None  # the day the interview was planned
    interview: date | None = None  # held, or planned for (interview_planned)
    screening: date | None = None
    approved: date | None = None
    ready: date | None = None
    matched: date | None = None
    paused: date | None = None
    ended: date | None = None  # withdrawn, rejected or disqualified
    vog_issued: date | None = None


@dataclass
class Records:
    """Everything drawn by `plan`, as unsaved rows; the saving steps record them through the domain
    functions."""

    campaigns: list = field(default_factory=list)
    events: list = field(default_factory=list)
    interviews: list = field(default_factory=list)
    references: list = field(default_factory=list)
    vogs: list = field(default_factory=list)
    disclosures: list = field(default_factory=list)
    external: list = field(default_factory=list)
    registrations: list = field(default_factory=list)
    intakes: list = field(default_factory=list)


class Stages:
    def __init__(self, gen, *, today: date, programmes: dict, coordinators: dict, match_start: dict):
        self.gen = gen
        self.rng = gen.rng
        self.today = today
        self.programmes = programmes  # "community"/"school" -> Programme
        self.coordinators = coordinators  # key -> User
        self.match_start = match_start  # id(mentor obj) or id(youth obj) -> date the active match started
        self.r = Records()
        self.vogs: dict[int, ConductCertificate] = {}  # id(mentor) -> the certificate recorded
        self.modules = {m.code: m for m in Module.objects.all()}

    # -- mentors: timelines ------------------------------------------------------------------------

    def _back_from_approved(self, approved: date) -> Timeline:
        rng = self.rng
        screening = approved - timedelta(days=rng.randint(21, 40))
        interview = screening - timedelta(days=rng.randint(0, 2))
        planned = interview - timedelta(days=rng.randint(5, 12))
        applied = planned - timedelta(days=rng.randint(2, 5))
        vog_issued = screening + timedelta(days=rng.randint(10, (approved - screening).days - 4))
        return Timeline(applied, planned, interview, screening, approved, vog_issued=vog_issued)

    def timeline(self, draft, status: str, renewal: bool) -> Timeline:
        rng, today = self.rng, self.today
        days = timedelta
        if status == S.APPLIED:
            return Timeline(today - days(rng.randint(1, 25)))
        if status == S.INTERVIEW_PLANNED:
            applied = today - days(rng.randint(5, 30))
            planned = applied + days(rng.randint(1, 4))
            return Timeline(applied, planned, today + days(rng.randint(2, 13)))
        if status in (S.IN_SCREENING, S.WITHDRAWN, S.REJECTED, S.DISQUALIFIED):
            back = rng.randint(20, 60) if status == S.IN_SCREENING else rng.randint(60, 240)
            applied = today - days(back)
            planned = applied + days(rng.randint(2, 5))
            interview = planned + days(rng.randint(5, 12))
            screening = interview + days(rng.randint(0, 2))
            ended = None if status == S.IN_SCREENING else screening + days(rng.randint(14, 35))
            return Timeline(applied, planned, interview, screening, ended=ended)
        start = self.match_start.get(id(draft.obj))
        if renewal:  # a VOG issued almost three years ago: due for renewal within 60 days
            issued = add_years(today, -3) + days(rng.randint(10, 50))
            line = self._back_from_approved(issued + days(rng.randint(5, 12)))
            line.vog_issued = issued
        elif status == S.APPROVED:
            line = self._back_from_approved(today - days(rng.randint(3, 45)))
        elif status == S.MATCHED and start is not None:
            line = self._back_from_approved(start - days(rng.randint(20, 70)))
        elif status == S.PAUSED:
            line = self._back_from_approved(today - days(rng.randint(90, 200)))
        else:  # ready (or matched in a proposal only)
            line = self._back_from_approved(today - days(rng.randint(20, 200)))
        if status == S.APPROVED:
            return line
        upper = (start if status == S.MATCHED and start else today) - line.approved
        line.ready = line.approved + days(rng.randint(7, max(8, min(40, upper.days - 5))))
        if status == S.MATCHED:
            line.matched = start or line.ready
        if status == S.PAUSED:
            line.paused = line.ready + days(rng.randint(20, max(21, (today - line.ready).days - 1)))
        return line

    # -- mentors: records --------------------------------------------------------------------------

    def event(self, mentor: Mentor, by, day: date, frm: str, to: str, reason: str) -> None:
        self.r.events.append(
            (
                PipelineEvent(mentor=mentor, by=by, from_status=frm, to_status=to, reason=reason),
                _aware(day, self.rng.randint(9, 17), self.rng.choice([0, 15, 30, 45])),
            )
        )

    def qualities(self, low: int = 3) -> dict:
        return {
            code: {"score": self.rng.choice(range(low, 6)), "remark": ""} for code in MentorQuality.values
        }

    def reference(self, mentor: Mentor, outcome: str, contacted: date | None, notes: str = "") -> None:
        rng, gen = self.rng, self.gen
        origin = gen.origin(for_mentor=True)
        first, last = gen.name(origin, rng.choice(["female", "male"]), 45)
        self.r.references.append(
            Reference(
                mentor=mentor,
                name=f"{first} {last}",
                relation=rng.choice(REFERENCE_RELATIONS),
                email=gen.email(first, last),
                phone=gen.phone(),
                contacted_on=contacted,
                outcome=outcome,
                notes=notes,
            )
        )

    def screen(self, draft, status: str, line: Timeline, by, *, pending_disclosure: bool) -> None:
        """The interview, references, VOG, self-disclosure and pipeline events the status implies."""
        rng, m = self.rng, draft.obj
        settings = m.programme.settings
        required = settings.references_required
        if line.interview is None:
            return
        self.event(m, by, line.planned, S.APPLIED, S.INTERVIEW_PLANNED, "Huisbezoek ingepland.")
        kind = rng.choices([InterviewKind.HOME_VISIT, InterviewKind.OFFICE, InterviewKind.ONLINE], [6, 2, 1])[
            0
        ]
        if status == S.INTERVIEW_PLANNED:
            self.r.interviews.append(
                Interview(
                    mentor=m,
                    planned_for=_aware(line.interview, rng.choice([10, 14, 19])),
                    kind=kind,
                    interviewer=by,
                )
            )
            return
        recommendation = Recommendation.APPROVE
        if status == S.REJECTED or (status == S.IN_SCREENING and rng.random() < 0.25):
            recommendation = Recommendation.DOUBT
        self.r.interviews.append(
            Interview(
                mentor=m,
                planned_for=_aware(line.interview, 19),
                held_on=line.interview,
                kind=kind,
                interviewer=by,
                responsibilities_explained=True,
                motivation=m.motivation,
                attitude_ideas=rng.choice(INTERVIEW_ATTITUDES),
                qualities=self.qualities(2 if recommendation == Recommendation.DOUBT else 3),
                recommendation=recommendation,
            )
        )
        self.event(
            m,
            by,
            line.screening,
            S.INTERVIEW_PLANNED,
            S.IN_SCREENING,
            "Gesprek gevoerd; referenties en VOG opgevraagd.",
        )
        # The self-disclosure comes with the application; reviewed at the interview.
        disclosure = SelfDisclosure(
            mentor=m,
            submitted_on=line.applied,
            decision=DisclosureDecision.NO_CONCERN,
            reviewed_by=by,
            reviewed_on=line.interview,
        )
        if pending_disclosure:
            disclosure.other_conviction = True
            disclosure.other_details = "Boete voor rijden zonder geldig rijbewijs (2019)."
            disclosure.decision = DisclosureDecision.PENDING
            disclosure.reviewed_by = disclosure.reviewed_on = None
        self.r.disclosures.append(disclosure)
        contacted = line.screening + timedelta(days=rng.randint(2, 9))

        if status == S.IN_SCREENING:
            answered = rng.randint(0, required - 1) if required else 0
            for i in range(max(required, 1)):
                if i < answered and contacted < self.today:
                    self.reference(
                        m, ReferenceOutcome.POSITIVE, contacted, rng.choice(REFERENCE_NOTES_POSITIVE)
                    )
                else:
                    self.reference(m, ReferenceOutcome.PENDING, None)
            self.r.vogs.append(ConductCertificate(mentor=m, requested_on=line.screening))
            return
        if status == S.WITHDRAWN:
            self.reference(m, ReferenceOutcome.PENDING, None)
            self.event(
                m, by, line.ended, S.IN_SCREENING, S.WITHDRAWN, "Nieuwe baan; heeft er geen tijd meer voor."
            )
            return
        if status == S.REJECTED:
            self.reference(
                m,
                ReferenceOutcome.NEGATIVE,
                contacted,
                "Kwam afspraken met kinderen meermaals niet na; raadt het af.",
            )
            self.reference(m, ReferenceOutcome.DOUBTS, contacted, "Aardig, maar weinig tijd.")
            self.event(
                m,
                by,
                line.ended,
                S.IN_SCREENING,
                S.REJECTED,
                "Negatieve referentie; past niet bij het programma.",
            )
            return
        if status == S.DISQUALIFIED:
            for _ in range(required):
                self.reference(m, ReferenceOutcome.POSITIVE, contacted, rng.choice(REFERENCE_NOTES_POSITIVE))
            self.r.vogs.append(
                ConductCertificate(mentor=m, requested_on=line.screening, outcome=VogOutcome.REFUSED)
            )
            m.disqualification_reason = DisqualificationReason.VOG_REFUSED
            self.event(m, by, line.ended, S.IN_SCREENING, S.DISQUALIFIED, "VOG geweigerd.")
            return

        # approved, ready, matched, paused
        for _ in range(required):
            self.reference(m, ReferenceOutcome.POSITIVE, contacted, rng.choice(REFERENCE_NOTES_POSITIVE))
        issued = line.vog_issued
        seen = min(issued + timedelta(days=rng.randint(1, 3)), line.approved)
        self.r.vogs.append(
            ConductCertificate(
                mentor=m,
                requested_on=line.screening,
                outcome=VogOutcome.ISSUED,
                issued_on=issued,
                valid_until=add_years(issued, 3),
                original_seen_by=by,
                original_seen_on=seen,
            )
        )
        self.event(
            m,
            by,
            line.approved,
            S.IN_SCREENING,
            S.APPROVED,
            "Screening rond: gesprek, referenties en VOG in orde.",
        )
        if line.ready:
            self.event(m, by, line.ready, S.APPROVED, S.READY, "Basistraining gevolgd; klaar om te koppelen.")
        if line.matched:
            self.event(m, by, line.matched, S.READY, S.MATCHED, "Gekoppeld.")
        if line.paused:
            self.event(m, by, line.paused, S.READY, S.PAUSED, rng.choice(PAUSE_REASONS))

    # -- recruitment -------------------------------------------------------------------------------

    def recruit(self, key: str, drafts: list, lines: dict, youth: list) -> None:
        """Campaigns, each applicant's campaign and channel, a few natural mentors, motivations."""
        rng, programme = self.rng, self.programmes[key]
        campaigns = [
            Campaign(
                programme=programme,
                name=name,
                channel=channel,
                motive=motive,
                target_group=target,
                message=message,
                is_active=active,
            )
            for name, channel, motive, target, message, active in CAMPAIGNS[key]
        ]
        self.r.campaigns += campaigns
        # Natural mentors (REC-1): applicants proposed by a waiting youth or their family.
        early = [d for d in drafts if d.obj.status in (S.APPLIED, S.INTERVIEW_PLANNED, S.IN_SCREENING)]
        waiting = [y for y in youth if y.obj.status == YouthStatus.WAITING]
        natural = rng.sample(early, min(len(early), 3 if key == "community" else 1))
        relations = [
            NaturalMentorRelation.FAMILY_FRIEND,
            NaturalMentorRelation.NEIGHBOUR,
            NaturalMentorRelation.CLUB,
            NaturalMentorRelation.FAITH,
        ]
        for draft, proposed in zip(natural, rng.sample(waiting, len(natural)), strict=True):
            draft.obj.route = MentorRoute.NATURAL
            draft.obj.proposed_for = proposed.obj
            draft.obj.proposed_relation = rng.choice(relations)
            draft.obj.channel = Channel.WORD_OF_MOUTH
        applied: dict[int, list[date]] = defaultdict(list)
        for draft in drafts:
            m = draft.obj
            m.applied_at = _aware(lines[id(m)].applied, rng.randint(8, 22), rng.randint(0, 59))
            motive = m.motives[0] if m.motives else MentorMotive.ALTRUISM
            m.motivation = rng.choice(MOTIVATIONS[MentorMotive(motive)])
            if m.route == MentorRoute.NATURAL:
                continue
            recent = m.status in (S.APPLIED, S.INTERVIEW_PLANNED, S.IN_SCREENING)
            pool = [i for i, c in enumerate(campaigns) if c.is_active or not recent]
            weights = [3 if campaigns[i].motive in m.motives else 1 for i in pool]
            i = rng.choices(pool, weights=weights)[0]
            m.campaign, m.channel = campaigns[i], campaigns[i].channel
            applied[i].append(lines[id(m)].applied)
        for i, campaign in enumerate(campaigns):
            days = applied.get(i) or [self.today - timedelta(days=60)]
            campaign.starts_on = min(days) - timedelta(days=14)
            if not campaign.is_active:
                campaign.ends_on = max(days) + timedelta(days=7)

    # -- training ----------------------------------------------------------------------------------

    def session(self, key: str, day: date, title: str, codes, hours: str, audience: str, **extra) -> Session:
        programme = self.programmes[key]
        hour, minute = (19, 0) if key == "community" else (15, 30)
        place = "Wijkgebouw De Brug, Rotterdam-Zuid" if key == "community" else "Vmbo De Maaspoort, aula"
        session = Session(
            programme=programme,
            title=title,
            starts_at=_aware(day, hour, minute),
            duration_hours=Decimal(hours),
            trainer=self.coordinators[key],
            audience=audience,
            place=place,
            **extra,
        )
        session.demo_codes = codes
        return session

    def register(self, session: Session, attended: bool | None, **person) -> None:
        hours = session.duration_hours if attended else Decimal("0")
        self.r.registrations.append(
            Registration(session=session, attended=attended, hours_credited=hours, **person)
        )

    def train(self, key: str, drafts: list, lines: dict, youth: list, family_of: dict) -> list[Session]:
        rng, today = self.rng, self.today
        required = self.programmes[key].settings.pre_match_training_hours
        sessions = [
            self.session(
                key,
                today + timedelta(days=offset),
                title,
                codes,
                hours,
                Audience.MENTOR,
                capacity=None if offset < 0 else 16,
            )
            for offset, title, codes, hours in MENTOR_SESSIONS
        ]
        month_first = today.replace(day=1)
        month_session = None
        if today.day >= 3:
            title, codes, hours = MONTH_SESSION
            month_session = self.session(
                key, month_first + timedelta(days=1), title, codes, hours, Audience.MENTOR
            )
            sessions.append(month_session)
        past = [s for s in sessions if s.starts_at.date() < today and s is not month_session]
        upcoming = [s for s in sessions if s.starts_at.date() > today]
        taken: set[tuple[int, int]] = set()

        def attend(session: Session, mentor: Mentor, attended: bool | None = True) -> None:
            if (id(session), id(mentor)) not in taken:
                taken.add((id(session), id(mentor)))
                self.register(session, attended, mentor=mentor)

        approved_seen = 0
        for draft in drafts:
            m, line = draft.obj, lines[id(draft.obj)]
            if line.ready:  # TRN-1: enough hours between the interview and becoming ready
                window = [s for s in past if line.interview < s.starts_at.date() < line.ready]
                hours = Decimal("0")
                for s in rng.sample(window, min(len(window), rng.choice([1, 2]))):
                    attend(s, m)
                    hours += s.duration_hours
                if hours < required:
                    gap = (line.ready - line.interview).days
                    self.r.external.append(
                        ExternalHours(
                            mentor=m,
                            date=line.interview + timedelta(days=rng.randint(1, gap - 1)),
                            hours=max(required - hours, Decimal("1")),
                            kind=rng.choice([HoursKind.EXTERNAL, HoursKind.SELF_STUDY]),
                            description=rng.choice(
                                [
                                    "Basistraining bij de Vrijwilligerscentrale",
                                    "E-learning 'Goed beginnen als mentor'",
                                ]
                            ),
                            recorded_by=self.coordinators[key],
                        )
                    )
            if m.status == S.APPROVED:  # short of TRN-1: one hour at most, and signed up for the next
                if approved_seen % 2 == 0:
                    self.r.external.append(
                        ExternalHours(
                            mentor=m,
                            date=line.approved - timedelta(days=2),
                            hours=Decimal("1"),
                            kind=HoursKind.SELF_STUDY,
                            description="E-learning 'Goed beginnen als mentor'",
                            recorded_by=self.coordinators[key],
                        )
                    )
                approved_seen += 1
                attend(upcoming[0], m, None)
            elif m.status == S.IN_SCREENING and rng.random() < 0.5:
                attend(upcoming[0], m, None)
        # TRN-2: matched mentors train after matching; a third of them not yet this month.
        matched = [d.obj for d in drafts if d.obj.status == S.MATCHED]
        for k, m in enumerate(matched):
            start = lines[id(m)].matched
            later = [s for s in past if s.starts_at.date() > start and s.starts_at.date() < month_first]
            for s in rng.sample(later, min(len(later), rng.choice([0, 1, 2]))):
                attend(s, m)
            if k % 3 == 2:
                if month_session is not None and rng.random() < 0.5:
                    attend(month_session, m, False)
            elif month_session is not None and rng.random() < 0.6:
                attend(month_session, m)
            else:
                self.r.external.append(
                    ExternalHours(
                        mentor=m,
                        date=month_first,
                        hours=Decimal("2"),
                        kind=HoursKind.SELF_STUDY,
                        description="Online module 'Doelen stellen met je jongere'",
                        recorded_by=self.coordinators[key],
                    )
                )
            if rng.random() < 0.3:
                attend(upcoming[-1], m, None)

        # TRN-4: a youth orientation; TRN-5: an information evening for parents and guardians.
        orientation_day = today + timedelta(days=12) if key == "community" else today - timedelta(days=35)
        orientation = self.session(
            key,
            orientation_day,
            "Kennismaking voor jongeren: wat doet een mentor?",
            ("trn4-rol", "trn4-verwachtingen", "trn4-meest-halen"),
            "1.5",
            Audience.YOUTH,
        )
        evening_day = today - timedelta(days=50) if key == "community" else today + timedelta(days=20)
        evening = self.session(
            key,
            evening_day,
            "Informatieavond voor ouders en verzorgers",
            ("trn5-programma", "trn5-meerwaarde", "trn5-meedenken"),
            "1.5",
            Audience.GUARDIAN,
        )
        for session in (orientation, evening):
            done = session.starts_at.date() < today
            statuses = (YouthStatus.MATCHED,) if done else (YouthStatus.WAITING,)
            invited = [y for y in youth if y.obj.status in statuses]
            for y in rng.sample(invited, min(len(invited), 8)):
                attended = (rng.random() < 0.8) if done else None
                if session is orientation:
                    self.register(session, attended, youth=y.obj)
                else:
                    guardian = family_of[id(y.obj)].guardians[0][0]
                    if (id(session), id(guardian)) not in taken:
                        taken.add((id(session), id(guardian)))
                        self.register(session, attended, guardian=guardian)
        return [*sessions, orientation, evening]

    def peer_group(self, key: str, drafts: list) -> tuple[PeerGroup, list, list]:
        rng = self.rng
        name = "Intervisiegroep Maatjes Zuid" if key == "community" else "Intervisie mentorteams"
        group = PeerGroup(programme=self.programmes[key], name=name, facilitator=self.coordinators[key])
        members = [d.obj for d in drafts if d.obj.status == S.MATCHED][:8]
        topics = [
            "Als je jongere afspraken afzegt",
            "Grenzen: wat deel je over jezelf?",
            "Contact met ouders die weinig Nederlands spreken",
        ]
        sessions = []
        for offset, topic in zip((-56, -28), rng.sample(topics, 2), strict=True):
            attendees = rng.sample(members, min(len(members), rng.randint(4, 7)))
            sessions.append(
                (PeerSession(group=group, date=self.today + timedelta(days=offset), topic=topic), attendees)
            )
        return group, members, sessions

    # -- youth -------------------------------------------------------------------------------------

    def intake(self, draft, family, held: date, *, motivation: bool = True, consent: bool = True) -> None:
        rng, y = self.rng, draft.obj
        key = "school" if y.programme.is_team else "community"
        authority = [g for g, _, has in family.guardians if has] or [family.guardians[0][0]]
        wish_min, wish_max = rng.choice([(None, None), (None, None), (18, 30), (20, 40)])
        intake = Intake(
            youth=y,
            held_on=held,
            held_by=self.coordinators[key],
            informed_benefits_challenges=True,
            informed_volunteer=True,
            motivation=rng.choice(YOUTH_MOTIVATIONS) if motivation else "",
            committed=motivation,
            wish_kind_of_person=rng.choice(KIND_OF_PERSON) if rng.random() < 0.6 else "",
            wish_age_min=wish_min,
            wish_age_max=wish_max,
            wish_location="Op school"
            if key == "school"
            else rng.choice(["In de buurt", "Maakt niet uit", ""]),
            guardian_consent=consent,
            consent_by=rng.choice(authority) if consent else None,
            consent_on=held + timedelta(days=rng.randint(0, 5)) if consent else None,
        )
        intake.demo_interests = draft.interests[: rng.randint(1, 2)]
        self.r.intakes.append(intake)

    def youth_stages(self, key: str, youth: list, family_of: dict) -> None:
        rng, today = self.rng, self.today
        weights = {
            "community": {
                YouthReferral.GUARDIAN: 70,
                YouthReferral.SCHOOL: 12,
                YouthReferral.YOUTH_WORK: 12,
                YouthReferral.OTHER_PROFESSIONAL: 6,
            },
            "school": {YouthReferral.GUARDIAN: 55, YouthReferral.SCHOOL: 45},
        }[key]
        important_left = 2 if key == "community" else 0
        in_intake = 0
        for draft in youth:
            y, family = draft.obj, family_of[id(draft.obj)]
            y.referral = rng.choices(list(weights), weights=list(weights.values()))[0]
            if y.referral in REFERRERS:
                y.referrer_name, y.referrer_organisation = rng.choice(REFERRERS[y.referral])
            # A youth with a proposal only (no start) waited like the others until it came.
            if y.status == YouthStatus.WAITING or (
                y.status == YouthStatus.MATCHED and id(y) not in self.match_start
            ):
                if important_left and y.cultural_match == Importance.NOT and rng.random() < 0.3:
                    y.cultural_match = Importance.IMPORTANT
                    y.cultural_background = y.cultural_background or draft.origin.backgrounds[0]
                    important_left -= 1
                self.intake(draft, family, y.waiting_since - timedelta(days=rng.randint(7, 21)))
            elif y.status == YouthStatus.MATCHED:
                start = self.match_start[id(y)]
                self.intake(draft, family, start - timedelta(days=rng.randint(40, 150)))
            elif y.status == YouthStatus.INTAKE:
                held = today - timedelta(days=rng.randint(2, 20))
                shape = in_intake % 4
                in_intake += 1
                if shape == 1:  # the parents have not signed yet
                    self.intake(draft, family, held, consent=False)
                elif shape == 2:  # motivation still to talk about
                    self.intake(draft, family, held, motivation=False)
                elif shape == 3:  # complete: ready for the waiting list
                    if not y.goals:
                        y.goals = (
                            "Beter leren plannen voor school."
                            if key == "school"
                            else ("Meer zelfvertrouwen krijgen en leren voor mezelf op te komen.")
                        )
                        y.goal_areas = ["school" if key == "school" else "confidence"]
                    self.intake(draft, family, held)
                # shape 0: only just registered, no intake yet

    # -- all together: first the plan, then the steps through the domain functions -----------------

    def plan(self, mentors: dict, youth: dict, family_of: dict) -> None:
        """Draw every mentor's timeline and records, the training and the intakes. Saves nothing:
        the draws come in the same order whatever is saved afterwards."""
        self.lines: dict[int, Timeline] = {}
        for key, drafts in mentors.items():
            renewal = next(d for d in drafts if d.obj.status == S.MATCHED)
            pending = next(d for d in drafts if d.obj.status == S.IN_SCREENING)
            for draft in drafts:
                self.lines[id(draft.obj)] = self.timeline(draft, draft.obj.status, draft is renewal)
            self.recruit(key, drafts, self.lines, youth[key])
            for draft in drafts:
                self.screen(
                    draft,
                    draft.obj.status,
                    self.lines[id(draft.obj)],
                    self.coordinators[key],
                    pending_disclosure=key == "community" and draft is pending,
                )
        self.sessions: list[Session] = []
        self.groups: list[tuple[PeerGroup, list, list]] = []
        for key in mentors:
            self.sessions += self.train(key, mentors[key], self.lines, youth[key], family_of)
            self.groups.append(self.peer_group(key, mentors[key]))
            self.youth_stages(key, youth[key], family_of)

    def coordinator_of(self, programme) -> object:
        return self.coordinators["school" if programme.is_team else "community"]

    def save_campaigns(self) -> None:
        """REC-2: the campaigns the applicants came through (before the applicants themselves)."""
        for campaign in self.r.campaigns:
            row = create_campaign(
                campaign.programme,
                by=self.coordinator_of(campaign.programme),
                values=values_of(campaign, exclude={"programme", "token"}),
            )
            adopt(campaign, row)

    def _events_of(self, mentor: Mentor) -> list[tuple[PipelineEvent, datetime]]:
        return [(event, at) for event, at in self.r.events if event.mentor is mentor]

    def screen_mentors(self, mentors: dict) -> None:
        """Every applicant's screening up to its outcome: interview, self-disclosure, references, VOG,
        and the decision (approved, withdrawn, rejected, disqualified). SCR-1..4 are checked on the way."""
        for drafts in mentors.values():
            for draft in drafts:
                self._screen_one(draft.obj)

    def _screen_one(self, m: Mentor) -> None:
        by = self.coordinator_of(m.programme)
        interview = next((i for i in self.r.interviews if i.mentor is m), None)
        for disclosure in [d for d in self.r.disclosures if d.mentor is m]:
            row = record_self_disclosure(
                m,
                by=by,
                values={
                    "submitted_on": disclosure.submitted_on,
                    "other_conviction": disclosure.other_conviction,
                    "other_details": disclosure.other_details,
                },
            )
            if disclosure.reviewed_by is not None:
                review_disclosure(row, by=by, decision=disclosure.decision, notes="")
                backdate_review(row, disclosure.reviewed_on)
        for event, at in self._events_of(m):
            to = event.to_status
            if to == S.INTERVIEW_PLANNED:
                planned = plan_interview(
                    m, by=by, planned_for=interview.planned_for, kind=interview.kind, reason=event.reason
                )
                backdate_event(m.pipeline_events.latest("id"), at)
                if interview.held_on is not None:
                    update_interview(
                        planned,
                        by=by,
                        values=values_of(interview, exclude={"mentor", "planned_for", "kind", "interviewer"}),
                        expected_version=planned.version,
                    )
            elif to == S.IN_SCREENING:
                backdate_event(start_screening(m, by=by, reason=event.reason), at)
                for reference in [r for r in self.r.references if r.mentor is m]:
                    add_reference(m, by=by, values=values_of(reference, exclude={"mentor"}))
                for vog in [v for v in self.r.vogs if v.mentor is m]:
                    outcome = vog.outcome
                    self.vogs[id(m)] = record_vog(
                        m,
                        by=by,
                        values=values_of(vog, exclude={"mentor", "valid_until", "outcome"})
                        | ({"outcome": outcome} if outcome != VogOutcome.REFUSED else {}),
                    )
            elif to == S.APPROVED:
                backdate_event(approve_mentor(m, by=by, reason=event.reason), at)
            elif to == S.WITHDRAWN:
                backdate_event(withdraw_mentor(m, by=by, reason=event.reason), at)
            elif to == S.REJECTED:
                backdate_event(reject_mentor(m, by=by, reason=event.reason), at)
            elif to == S.DISQUALIFIED:
                # The demo's one disqualification: the coordinator disqualifies with a note, then
                # records the refused certificate.
                reason = DisqualificationReason.VOG_REFUSED
                backdate_event(disqualify_mentor(m, by=by, reason=reason, notes=event.reason), at)
                vog = self.vogs[id(m)]
                update_vog(vog, by=by, values={"outcome": VogOutcome.REFUSED}, expected_version=vog.version)

    def _move_on(self, mentors: dict, statuses: tuple[str, ...]) -> None:
        moves = {S.READY: mark_ready_to_match, S.PAUSED: pause_mentor}
        for drafts in mentors.values():
            for draft in drafts:
                m = draft.obj
                for event, at in self._events_of(m):
                    if event.to_status in statuses:
                        move = moves[event.to_status]
                        by = self.coordinator_of(m.programme)
                        backdate_event(move(m, by=by, reason=event.reason), at)

    def mark_ready(self, mentors: dict) -> None:
        """TRN-1: with their training done, screened mentors become ready to match (or pause)."""
        self._move_on(mentors, (S.READY, S.PAUSED))

    def date_matched(self, mentors: dict) -> None:
        """A mentor became matched when their first match started (`activate_match` moved them)."""
        for drafts in mentors.values():
            for draft in drafts:
                for event, at in self._events_of(draft.obj):
                    if event.to_status == S.MATCHED:
                        matched = draft.obj.pipeline_events.filter(to_status=S.MATCHED).latest("id")
                        backdate_event(matched, at, reason=event.reason)

    def save_training(self) -> None:
        """TRN-1..5: the sessions, who registered and who attended, and hours recorded elsewhere."""
        rows: dict[int, Session] = {}
        for session in self.sessions:
            values = values_of(session, exclude={"programme"})
            values["modules"] = [self.modules[code] for code in session.demo_codes]
            row = create_session(session.programme, by=self.coordinator_of(session.programme), values=values)
            rows[id(session)] = row
        attendance: dict[int, dict[int, bool | None]] = defaultdict(dict)
        for registration in self.r.registrations:
            session = rows[id(registration.session)]
            person = registration.mentor or registration.youth or registration.guardian
            row = register_for_session(session, person, by=self.coordinator_of(session.programme))
            if registration.attended is not None:
                attendance[session.pk][row.pk] = registration.attended
        for session in rows.values():
            if session.pk in attendance:
                record_attendance(
                    session, by=self.coordinator_of(session.programme), attendance=attendance[session.pk]
                )
        for entry in self.r.external:
            record_external_hours(
                entry.mentor,
                by=entry.recorded_by,
                values=values_of(entry, exclude={"mentor", "recorded_by"}),
            )

    def save_peer_groups(self) -> None:
        """SUP-4: the peer-supervision groups and their meetings so far."""
        for group, members, sessions in self.groups:
            values = values_of(group, exclude={"programme"})
            row = create_peer_group(
                group.programme, by=group.facilitator, values={**values, "members": members}
            )
            for peer_session, attendees in sessions:
                record_peer_session_attendance(
                    row,
                    by=group.facilitator,
                    values=values_of(peer_session, exclude={"group"}),
                    attendees=attendees,
                )

    def save_intakes(self, youth: dict) -> None:
        """YTH-1, YTH-2: the intakes held, and the youth whose intake is complete on the waiting list."""
        intakes = {id(intake.youth): intake for intake in self.r.intakes}
        for drafts in youth.values():
            for draft in drafts:
                y = draft.obj
                intake = intakes.get(id(y))
                if intake is None:
                    continue
                values = values_of(intake, exclude={"youth", "held_by"})
                values["wish_interests"] = [self.gen.interests[slug] for slug in intake.demo_interests]
                record_intake(
                    y,
                    by=intake.held_by,
                    values={"youth": {}, "intake": values},
                    expected_version={"youth": y.version, "intake": None},
                )
                y.refresh_from_db(fields=["version"])
                if draft.status != YouthStatus.INTAKE:
                    add_to_waiting_list(y, by=intake.held_by)
                    backdate_waiting_since(y, draft.waiting_since)
