"""The data map: every model field that holds personal data, classified once.

`DATA_MAP` has one `ModelEntry` per model that holds personal data: why Koppel holds it, who
receives it, where it comes from, and one `FieldEntry` per personal field (its category, purpose,
legal basis and retention rule). Fields that hold nothing personal (ids, versions, timestamps, foreign
keys to rows that are not people, status codes) are declared once: in `GENERIC_NOT_PERSONAL` for the
names every model shares, in the entry's `not_personal` for the rest. Models that were checked and hold
nothing personal are in `CHECKED_NOT_PERSONAL` with the reason.

The privacy page, the register of processing, the privacy statement, the subject access archive and
the retention schedule read it; `classification_gaps` names any field that is neither classified nor
declared not personal, and tests/privacy/test_datamap.py fails on it."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from koppel.privacy.enums import Category, LegalBasis, RetentionRule


class Subject(models.TextChoices):
    """Whose data a model holds: the privacy statement tells each group what Koppel keeps of them."""

    MENTOR = "mentor", _("Mentors and applicants")
    YOUTH = "youth", _("Youth")
    GUARDIAN = "guardian", _("Parents and guardians")
    STAFF = "staff", _("Coordinators and administrators")


@dataclass(frozen=True)
class FieldEntry:
    category: Category
    purpose: Promise | str
    basis: LegalBasis
    retention: RetentionRule


@dataclass(frozen=True)
class ModelEntry:
    purpose: Promise | str
    recipients: Promise | str
    source: Promise | str
    retention: RetentionRule
    fields: dict[str, FieldEntry] = field(default_factory=dict)
    # Whose data this is (the privacy statement's groups).
    subjects: tuple[Subject, ...] = ()
    # Fields of this model that hold nothing personal, besides GENERIC_NOT_PERSONAL.
    not_personal: tuple[str, ...] = ()


# Field names that are never personal on any model: the row's id, its version and its timestamps.
GENERIC_NOT_PERSONAL = frozenset({"id", "created_at", "updated_at", "version"})
# A person's `erased_at` (koppel.privacy.domain.erasure) says only that and when the row was emptied.

# The fields a background job's claim adds (common.models.ClaimedJob): which worker, when it last
# reported, how often it was taken up.
_JOB_CLAIM = ("claimed_by", "heartbeat_at", "attempts")

# The models that point at people and whose rows therefore must be in the map (or declared below).
PERSON_MODELS = ("people.Mentor", "people.Youth", "people.Guardian", "accounts.User")

# Models that were checked and hold no personal data, with the reason.
CHECKED_NOT_PERSONAL: dict[str, Promise | str] = {
    "matches.HolidayPeriod": _("A programme's school holidays: names and dates, nobody's data."),
    "matches.PostcodeArea": _("Public postcode areas with their coordinates."),
    "matches.MatchingSettings": _("A programme's matching settings and weights."),
    "matches.Resource": _("Tips and materials for mentors, youth and parents."),
    "programmes.Programme": _("A programme's description and form."),
    "programmes.ProgrammeSettings": _("A programme's practice settings."),
    "people.Interest": _("The list of interests to choose from."),
    "people.Campaign": _("A recruitment campaign: its channel, message and dates."),
    "training.Module": _("The training curriculum."),
    "surveys.Subscale": _("The parts of a questionnaire."),
    "surveys.Item": _("The questions of a questionnaire."),
    "surveys.SurveySchedule": _("When a programme asks which questionnaire."),
    "common.LogPurge": _("The permit that lets old logs be removed: a date."),
    "common.RateLimitWindow": _("Counts of requests per key and minute, kept for minutes."),
    "common.LogRedaction": _("The permit that lets an erasure rewrite one log row: the row's id."),
    "privacy.RetentionPreviewItem": _(
        "What the retention schedule will remove: a kind of record and its number, never a name."
    ),
}


# --- Shared wording ------------------------------------------------------------------------------

STAFF_RECIPIENTS = _(
    "The coordinators of the programme and the administrators of the organisation. Nobody outside "
    "the organisation, except the hosting provider that stores the data for it (a processor)."
)
MATCH_RECIPIENTS = _(
    "The coordinators of the programme and the administrators of the organisation; the mentor, the "
    "youth and their parents see what concerns their own match in the portal."
)
LOG_RECIPIENTS = _("The administrators of the organisation only.")

_WHO_DID_IT = _("Who did it, so that every decision about a person can be accounted for.")
_LINK_TO_LOGIN = _("Links the person to their login for the portal.")
_WHO_IT_IS_ABOUT = _("Which person the record is about.")
_WHICH_MENTOR = _("Which mentor the record is about.")
_WHICH_YOUTH = _("Which youth the record is about.")
_WHICH_GUARDIAN = _("Which parent or guardian the record is about.")
_NAME = _("To know who the person is and to address them.")
_CONTACT = _("To reach the person about the programme (training, matching, meetings, surveys).")
_LANGUAGE = _("To write to the person in their own language.")
_BIRTH = _("To check the minimum age, the age gap with the match (MAT-3) and who may consent (under 16).")
_WHERE = _("To match on travel distance and neighbourhood.")
_MATCHING = _("To find a mentor and a youth who fit together (matching, MAT-2).")
_NOTES = _("Notes by the coordinator or the mentor, to support the match and keep it safe.")
_SCREENING = _("To screen a volunteer before they work with children (SCR-1..3).")
_SAFEGUARDING = _("To act on a worry about a child's safety and to account for what was done.")
_CONSENT = _("Proof of who consented to the mentoring agreement and when (AGR-1).")


def _entry(
    *,
    subjects: Iterable[Subject],
    purpose: Promise | str,
    recipients: Promise | str,
    source: Promise | str,
    retention: RetentionRule,
    basis: LegalBasis,
    fields: dict[str, FieldEntry | tuple[Category, Promise | str]],
    not_personal: Iterable[str] = (),
) -> ModelEntry:
    """A model entry whose fields take the model's basis and retention unless a FieldEntry says
    otherwise: `(category, purpose)` is the short form."""
    built = {
        name: value if isinstance(value, FieldEntry) else FieldEntry(value[0], value[1], basis, retention)
        for name, value in fields.items()
    }
    return ModelEntry(
        purpose=purpose,
        recipients=recipients,
        source=source,
        retention=retention,
        fields=built,
        subjects=tuple(subjects),
        not_personal=tuple(not_personal),
    )


def _staff(retention: RetentionRule, purpose: Promise | str = _WHO_DID_IT) -> FieldEntry:
    """A foreign key to the staff member (a login) who did something: their identity, kept as long
    as the record, on the organisation's legitimate interest in accountability."""
    return FieldEntry(Category.IDENTITY, purpose, LegalBasis.LEGITIMATE_INTEREST, retention)


_I, _C, _S, _O, _G, _T, _D = (
    Category.IDENTITY,
    Category.CONTACT,
    Category.SPECIAL,
    Category.OFFENCE,
    Category.SAFEGUARDING,
    Category.FREE_TEXT,
    Category.DERIVED,
)
_CONTRACT, _LI, _OWN, _PARENT, _LAW = (
    LegalBasis.CONTRACT,
    LegalBasis.LEGITIMATE_INTEREST,
    LegalBasis.CONSENT_PERSON,
    LegalBasis.CONSENT_GUARDIAN,
    LegalBasis.LEGAL_DUTY,
)
_R = RetentionRule


# Where survey answers can hold special-category or offence-related data: the questionnaires with a
# part or a question marked `sensitive` (alcohol and drug use: health; delinquency: offences).
SPECIAL_CATEGORY_INSTRUMENTS: dict[str, tuple[str, ...]] = {
    "koppel-outcomes-youth": ("substances", "delinquency"),
}

_INSTRUMENTS_DIR = Path(__file__).resolve().parents[2] / "surveys" / "instruments"


def instruments_with_sensitive_parts(directory: Path = _INSTRUMENTS_DIR) -> dict[str, tuple[str, ...]]:
    """The shipped questionnaires that hold sensitive parts, read from their definitions: key ->
    the keys of its sensitive subscales (or of the subscales of its sensitive items)."""
    found: dict[str, tuple[str, ...]] = {}
    for path in sorted(directory.glob("*.toml")):
        definition = tomllib.loads(path.read_text(encoding="utf-8"))
        parts = {s["key"] for s in definition.get("subscales", []) if s.get("sensitive")}
        parts |= {i.get("subscale", i["key"]) for i in definition.get("items", []) if i.get("sensitive")}
        if parts:
            found[definition["key"]] = tuple(sorted(parts))
    return found


def _mentor_profile_fields(
    *, special_basis: LegalBasis
) -> dict[str, FieldEntry | tuple[Category, Promise | str]]:
    """The profile a mentor and a youth share (people.models.people.Profile)."""
    return {
        "user": (_I, _LINK_TO_LOGIN),
        "coordinator": _staff(_R.PERSON_RECORD, _("The coordinator who supports this person.")),
        "first_name": (_I, _NAME),
        "last_name": (_I, _NAME),
        "date_of_birth": (_I, _BIRTH),
        "gender": (_I, _("To take a wish for a mentor of a certain gender into account in matching.")),
        "email": (_C, _CONTACT),
        "phone": (_C, _CONTACT),
        "preferred_language": (_I, _LANGUAGE),
        "languages": (_I, _("To match on a shared language.")),
        "cultural_background": FieldEntry(
            _S,
            _("Optional: to match on a shared cultural background when asked for. Can reveal origin."),
            special_basis,
            _R.PERSON_RECORD,
        ),
        "postcode": (_C, _WHERE),
        "neighbourhood": (_C, _WHERE),
        "school_type": (_I, _("To match on school and age group.")),
        "school_year": (_I, _("To match on school and age group.")),
        "interests": (_I, _MATCHING),
        "interests_other": (_T, _("Interests in the person's own words, for matching.")),
        "personality": (_I, _MATCHING),
        "values_beliefs": FieldEntry(
            _S,
            _("Optional: to match on shared values. Can reveal religion or beliefs."),
            special_basis,
            _R.PERSON_RECORD,
        ),
        "availability": (_I, _("To match on the times both are free.")),
    }


DATA_MAP: dict[str, ModelEntry] = {
    # --- people --------------------------------------------------------------------------------
    "people.Mentor": _entry(
        subjects=[Subject.MENTOR],
        purpose=_("Recruiting, screening, training and matching volunteer mentors."),
        recipients=_(
            "The coordinators of the programme and the administrators of the organisation. The youth "
            "and their parents see the mentor's first name and contact details once introduced."
        ),
        source=_("The mentor (the application form), completed by the coordinator."),
        retention=_R.PERSON_RECORD,
        basis=_CONTRACT,
        fields={
            **_mentor_profile_fields(special_basis=_OWN),
            "motives": (_I, _("Why the person volunteers, asked at screening (REC-2).")),
            "occupation": (_I, _MATCHING),
            "adult_supervisor": (
                _I,
                _("A mentor under 18 is matched only with an adult supervising (MAT-4)."),
            ),
            "travel_neighbourhoods": (_C, _WHERE),
            "channel": FieldEntry(_I, _("To learn which recruitment works (REC-2)."), _LI, _R.PERSON_RECORD),
            "route": FieldEntry(_I, _("To learn which recruitment works (REC-2)."), _LI, _R.PERSON_RECORD),
            "proposed_for": (_I, _("Natural mentoring: the youth who proposed this mentor.")),
            "proposed_relation": (_I, _("Natural mentoring: how the mentor knows the youth.")),
            "motivation": (_T, _("The applicant's motivation in their own words, for screening.")),
            "disqualification_reason": FieldEntry(
                _O,
                _("Why a mentor may never work with children in the programme again (SCR-3)."),
                _LI,
                _R.DISQUALIFICATION,
            ),
            "capacity": (_I, _("How many youth the mentor takes on.")),
        },
        not_personal=("programme", "status", "campaign", "applied_at", "erased_at"),
    ),
    "people.Youth": _entry(
        subjects=[Subject.YOUTH],
        purpose=_("Taking in youth, finding a mentor for them and supporting the match."),
        recipients=_(
            "The coordinators of the programme and the administrators of the organisation; the mentor "
            "sees the youth's first name, age and wishes once introduced; the parents see their child."
        ),
        source=_("The youth and their parents (the intake), or the referrer who signed them up."),
        retention=_R.PERSON_RECORD,
        basis=_PARENT,
        fields={
            **_mentor_profile_fields(special_basis=_PARENT),
            "goals": (_T, _("What the youth wants to work on, to match and to follow progress.")),
            "goal_areas": (_I, _("What the youth wants to work on, to match and to follow progress.")),
            "wishes": (_T, _MATCHING),
            "wish_mentor_gender": (_I, _MATCHING),
            "wish_language": (_I, _MATCHING),
            "cultural_match": FieldEntry(
                _S,
                _("Whether the youth wishes a mentor of the same background. Can reveal origin."),
                _PARENT,
                _R.PERSON_RECORD,
            ),
            "waiting_since": (_I, _("To match those who waited longest first.")),
            "referral": (_I, _("Who signed the youth up, to contact them about the intake.")),
            "referrer_name": (_C, _("Who signed the youth up, to contact them about the intake.")),
            "referrer_organisation": (_C, _("Who signed the youth up, to contact them about the intake.")),
            "guardians": (_I, _("Who the youth's parents and guardians are.")),
        },
        not_personal=("programme", "status", "erased_at"),
    ),
    "people.Guardian": _entry(
        subjects=[Subject.GUARDIAN],
        purpose=_("Contacting the parents and guardians of a youth, and their consent for a minor."),
        recipients=_(
            "The coordinators of the programme and the administrators of the organisation; the mentor "
            "of their child's match sees their name and phone number."
        ),
        source=_("The parent or guardian, at the intake."),
        retention=_R.PERSON_RECORD,
        basis=_LI,
        fields={
            "user": (_I, _LINK_TO_LOGIN),
            "first_name": (_I, _NAME),
            "last_name": (_I, _NAME),
            "email": (_C, _CONTACT),
            "phone": (_C, _CONTACT),
            "preferred_language": (_I, _LANGUAGE),
            "languages": (_I, _LANGUAGE),
            "postcode": (_C, _("To know where the family lives, for the intake and matching.")),
        },
        not_personal=("organisation", "erased_at"),
    ),
    "people.Guardianship": _entry(
        subjects=[Subject.YOUTH, Subject.GUARDIAN],
        purpose=_("Which parent belongs to which youth, and who may consent for a minor."),
        recipients=STAFF_RECIPIENTS,
        source=_("The parent or guardian, at the intake."),
        retention=_R.PERSON_RECORD,
        basis=_LI,
        fields={
            "youth": (_I, _WHICH_YOUTH),
            "guardian": (_I, _WHICH_GUARDIAN),
            "relation": (_I, _("How the parent or guardian is related to the youth.")),
            "has_parental_authority": (
                _I,
                _("Only a parent with parental authority consents for a minor (AGR-1)."),
            ),
        },
    ),
    "people.Intake": _entry(
        subjects=[Subject.YOUTH, Subject.GUARDIAN],
        purpose=_("The intake conversation with a youth and their parents."),
        recipients=STAFF_RECIPIENTS,
        source=_("The youth and their parents, noted by the coordinator."),
        retention=_R.PERSON_RECORD,
        basis=_PARENT,
        fields={
            "youth": (_I, _WHICH_YOUTH),
            "held_by": _staff(_R.PERSON_RECORD),
            "motivation": (_T, _("Why the youth wants a mentor, in their own words.")),
            "committed": (_I, _("Whether the youth commits to the programme.")),
            "wish_kind_of_person": (_T, _MATCHING),
            "wish_age_min": (_I, _MATCHING),
            "wish_age_max": (_I, _MATCHING),
            "wish_location": (_I, _MATCHING),
            "wish_interests": (_I, _MATCHING),
            "guardian_consent": (_I, _("The parents' consent for a youth under 16.")),
            "consent_by": (_I, _("The parent who consented for a youth under 16.")),
            "consent_on": (_I, _("When the parent consented for a youth under 16.")),
        },
        not_personal=("held_on", "informed_benefits_challenges", "informed_volunteer"),
    ),
    "people.RepeatApplication": _entry(
        subjects=[Subject.MENTOR],
        purpose=_("A second application of a known mentor, kept until the coordinator reviewed it."),
        recipients=STAFF_RECIPIENTS,
        source=_("The mentor (the application form)."),
        retention=_R.APPLICANT_NOT_MATCHED,
        basis=_CONTRACT,
        fields={
            "mentor": (_I, _WHICH_MENTOR),
            "proposed_for": (_I, _("Natural mentoring: the youth who proposed this mentor.")),
            "proposed_relation": (_I, _("Natural mentoring: how the mentor knows the youth.")),
            "proposed_by": _staff(_R.APPLICANT_NOT_MATCHED),
            "values": (_T, _("The answers on the new application, to merge into the mentor's file.")),
            "reviewed_by": _staff(_R.APPLICANT_NOT_MATCHED),
            "channel": FieldEntry(
                _I, _("To learn which recruitment works (REC-2)."), _LI, _R.APPLICANT_NOT_MATCHED
            ),
            "route": FieldEntry(
                _I, _("To learn which recruitment works (REC-2)."), _LI, _R.APPLICANT_NOT_MATCHED
            ),
        },
        not_personal=("campaign", "applied_at", "reviewed_at", "merged_fields"),
    ),
    "people.PipelineEvent": _entry(
        subjects=[Subject.MENTOR],
        purpose=_("The steps of a mentor's application and screening, with the reasons."),
        recipients=STAFF_RECIPIENTS,
        source=_("The coordinator."),
        retention=_R.PERSON_RECORD,
        basis=_LI,
        fields={
            "mentor": (_I, _WHICH_MENTOR),
            "by": _staff(_R.PERSON_RECORD),
            "reason": (_T, _("Why a step was taken (for a refusal or a disqualification: SCR-3).")),
        },
        not_personal=("at", "from_status", "to_status"),
    ),
    "people.Interview": _entry(
        subjects=[Subject.MENTOR],
        purpose=_SCREENING,
        recipients=STAFF_RECIPIENTS,
        source=_("The interviewer."),
        retention=_R.VOG_FACTS,
        basis=_LI,
        fields={
            "mentor": (_I, _WHICH_MENTOR),
            "interviewer": _staff(_R.VOG_FACTS),
            "motivation": (_T, _SCREENING),
            "attitude_ideas": (_T, _SCREENING),
            "qualities": (_I, _SCREENING),
            "recommendation": (_I, _SCREENING),
        },
        not_personal=("planned_for", "held_on", "kind", "responsibilities_explained"),
    ),
    "people.Reference": _entry(
        subjects=[Subject.MENTOR],
        purpose=_SCREENING,
        recipients=STAFF_RECIPIENTS,
        source=_("The mentor names the reference; the coordinator notes what they said."),
        retention=_R.VOG_FACTS,
        basis=_LI,
        fields={
            "mentor": (_I, _WHICH_MENTOR),
            "name": (_I, _("Who the reference is, to contact them.")),
            "relation": (_I, _("How the reference knows the mentor.")),
            "email": (_C, _("To contact the reference.")),
            "phone": (_C, _("To contact the reference.")),
            "outcome": (_I, _SCREENING),
            "notes": (_T, _SCREENING),
        },
        not_personal=("contacted_on",),
    ),
    "people.ConductCertificate": _entry(
        subjects=[Subject.MENTOR],
        purpose=_(
            "The certificate of conduct (VOG) every mentor needs before working with children (SCR-2)."
        ),
        recipients=STAFF_RECIPIENTS,
        source=_("The mentor shows the original; the coordinator notes the facts (never a copy)."),
        retention=_R.VOG_FACTS,
        basis=_LI,
        fields={
            "mentor": (_I, _WHICH_MENTOR),
            "outcome": (_O, _("Whether the certificate was issued or refused (SCR-2, SCR-3).")),
            "issued_on": (_O, _("When the certificate was issued, to know when it must be renewed.")),
            "valid_until": (_O, _("When the certificate must be renewed (SCR-2).")),
            "original_seen_by": _staff(_R.VOG_FACTS),
        },
        not_personal=("requested_on", "screening_profile", "original_seen_on"),
    ),
    "people.SelfDisclosure": _entry(
        subjects=[Subject.MENTOR],
        purpose=_("The mentor's own statement about convictions, reviewed before matching (SCR-3)."),
        recipients=_("The coordinators of the programme and the administrators of the organisation."),
        source=_("The mentor."),
        retention=_R.VOG_FACTS,
        basis=_LI,
        fields={
            "mentor": (_I, _WHICH_MENTOR),
            "child_sexual_offence": FieldEntry(
                _O,
                _("A disclosed offence against children excludes a mentor (SCR-3)."),
                _LI,
                _R.DISQUALIFICATION,
            ),
            "child_offence": FieldEntry(
                _O,
                _("A disclosed offence against children excludes a mentor (SCR-3)."),
                _LI,
                _R.DISQUALIFICATION,
            ),
            "other_conviction": (_O, _("A disclosed conviction is reviewed before matching (SCR-3).")),
            "other_details": (_O, _("A disclosed conviction is reviewed before matching (SCR-3).")),
            "decision": (_O, _("The review of a disclosed conviction (SCR-3).")),
            "reviewed_by": _staff(_R.VOG_FACTS),
            "review_notes": (_O, _("The review of a disclosed conviction (SCR-3).")),
        },
        not_personal=("submitted_on", "reviewed_on"),
    ),
    # --- matches -------------------------------------------------------------------------------
    "matches.Match": _entry(
        subjects=[Subject.MENTOR, Subject.YOUTH],
        purpose=_("The match of a mentor and a youth, from proposal to closure."),
        recipients=MATCH_RECIPIENTS,
        source=_("The coordinator."),
        retention=_R.MATCH_RECORDS,
        basis=_CONTRACT,
        fields={
            "youth": (_I, _WHICH_YOUTH),
            "mentors": (_I, _WHICH_MENTOR),
            "origin_note": (_T, _NOTES),
            "introduced_by": _staff(_R.MATCH_RECORDS),
            "introduction_note": (_T, _NOTES),
            "pause_reason": (_T, _NOTES),
        },
        not_personal=(
            "programme",
            "state",
            "origin",
            "introduced_on",
            "agreed_on",
            "started_on",
            "ended_on",
            "paused_since",
        ),
    ),
    "matches.MatchMentor": _entry(
        subjects=[Subject.MENTOR],
        purpose=_("Which mentors take part in a match."),
        recipients=MATCH_RECIPIENTS,
        source=_("The coordinator."),
        retention=_R.MATCH_RECORDS,
        basis=_CONTRACT,
        fields={"mentor": (_I, _WHICH_MENTOR)},
        not_personal=("match",),
    ),
    "matches.MatchEvent": _entry(
        subjects=[Subject.MENTOR, Subject.YOUTH],
        purpose=_("The steps of a match, with who took them and why."),
        recipients=STAFF_RECIPIENTS,
        source=_("The coordinator."),
        retention=_R.MATCH_RECORDS,
        basis=_CONTRACT,
        fields={"by": _staff(_R.MATCH_RECORDS), "note": (_T, _NOTES)},
        not_personal=("match", "from_state", "to_state", "at"),
    ),
    "matches.Agreement": _entry(
        subjects=[Subject.MENTOR, Subject.YOUTH, Subject.GUARDIAN],
        purpose=_("The mentoring agreement: what the mentor, the youth and the parents agree (AGR-1)."),
        recipients=MATCH_RECIPIENTS,
        source=_("The coordinator, with the parties."),
        retention=_R.MATCH_RECORDS,
        basis=_CONTRACT,
        fields={
            "goals": (_T, _("What the youth wants to work on, to match and to follow progress.")),
            "holiday_expectations": (_T, _NOTES),
            "place_detail": (_T, _NOTES),
            "contact_after_note": (_T, _NOTES),
            "created_by": _staff(_R.MATCH_RECORDS),
        },
        not_personal=(
            "match",
            "number",
            "start_date",
            "duration_months",
            "meeting_interval_days",
            "place",
            "approach",
            "contact_after",
        ),
    ),
    "matches.Consent": _entry(
        subjects=[Subject.MENTOR, Subject.YOUTH, Subject.GUARDIAN],
        purpose=_CONSENT,
        recipients=MATCH_RECIPIENTS,
        source=_("The party who consents (the portal, a personal link, or on paper)."),
        retention=_R.MATCH_RECORDS,
        basis=_LAW,
        fields={
            "mentor": (_I, _WHO_IT_IS_ABOUT),
            "guardian": (_I, _WHO_IT_IS_ABOUT),
            "youth": (_I, _WHO_IT_IS_ABOUT),
            "typed_name": (_I, _CONSENT),
            "given_at": (_I, _CONSENT),
            "via": (_I, _CONSENT),
        },
        not_personal=("agreement", "party", "link_sent_at"),
    ),
    "matches.MeetingLog": _entry(
        subjects=[Subject.MENTOR, Subject.YOUTH],
        purpose=_("The mentor's log of each meeting, to support the match (REL-1, REL-5)."),
        recipients=_(
            "The coordinators of the programme and the administrators of the organisation; the youth "
            "and, when the programme allows it, their parents see the logs of their own match."
        ),
        source=_("The mentor."),
        retention=_R.MATCH_RECORDS,
        basis=_CONTRACT,
        fields={
            "mentor": (_I, _WHICH_MENTOR),
            "place": (_T, _NOTES),
            "activity": (_T, _NOTES),
            "note": (_T, _NOTES),
            "how_it_went": (_I, _NOTES),
            "confirmed_by_youth_at": (_I, _("The youth confirms the meeting took place.")),
        },
        not_personal=("match", "held_on", "duration_minutes"),
    ),
    "matches.SupportContact": _entry(
        subjects=[Subject.MENTOR, Subject.GUARDIAN],
        purpose=_("The coordinator's support contacts with the mentor and the parents (SUP-1, SUP-2)."),
        recipients=STAFF_RECIPIENTS,
        source=_("The coordinator."),
        retention=_R.MATCH_RECORDS,
        basis=_CONTRACT,
        fields={
            "mentor": (_I, _WHICH_MENTOR),
            "guardian": (_I, _WHICH_GUARDIAN),
            "topics": (_I, _NOTES),
            "notes": (_T, _NOTES),
            "follow_up": (_T, _NOTES),
            "by": _staff(_R.MATCH_RECORDS),
        },
        not_personal=("match", "held_on", "with_whom", "channel", "follow_up_on"),
    ),
    "matches.Concern": _entry(
        subjects=[Subject.MENTOR, Subject.YOUTH, Subject.GUARDIAN],
        purpose=_SAFEGUARDING,
        recipients=_(
            "The coordinators of the programme and the administrators of the organisation; when the law "
            "requires it, Veilig Thuis or the police (the reporting code for child abuse)."
        ),
        source=_("Whoever raises the worry: a mentor, a youth, a parent or a coordinator."),
        retention=_R.MATCH_RECORDS,
        basis=_LI,
        fields={
            "raised_by": (_I, _("Who raised the worry, to ask them more.")),
            "raised_as": (_I, _("Who raised the worry, to ask them more.")),
            "text": (_G, _SAFEGUARDING),
            "outcome": (_G, _SAFEGUARDING),
            "handled_by": _staff(_R.MATCH_RECORDS),
        },
        not_personal=("programme", "match", "status", "closed_at"),
    ),
    "matches.Closure": _entry(
        subjects=[Subject.MENTOR, Subject.YOUTH],
        purpose=_("How and why a match ended, and the follow-up (CLS-1, OUT-2)."),
        recipients=MATCH_RECIPIENTS,
        source=_("The coordinator."),
        retention=_R.MATCH_RECORDS,
        basis=_CONTRACT,
        fields={
            "reason_note": (_T, _NOTES),
            "contact_after_note": (_T, _NOTES),
            "started_by": _staff(_R.MATCH_RECORDS),
        },
        not_personal=(
            "match",
            "kind",
            "reason",
            "ended_by",
            "ends_on",
            "early",
            "contact_after",
            "follow_up_due",
            "follow_up_done_on",
            "closed_at",
        ),
    ),
    "matches.ClosureConversation": _entry(
        subjects=[Subject.MENTOR, Subject.YOUTH, Subject.GUARDIAN],
        purpose=_("The closing conversation with each party and their view of the match (CLS-1)."),
        recipients=STAFF_RECIPIENTS,
        source=_("The party, noted by the coordinator."),
        retention=_R.MATCH_RECORDS,
        basis=_CONTRACT,
        fields={
            "mentor": (_I, _WHICH_MENTOR),
            "guardian": (_I, _WHICH_GUARDIAN),
            "notes": (_T, _NOTES),
            "went_well": (_T, _NOTES),
            "could_be_better": (_T, _NOTES),
            "rating": (_I, _NOTES),
            "would_recommend": (_I, _NOTES),
        },
        not_personal=("closure", "party", "held_on"),
    ),
    "matches.MatchRound": _entry(
        subjects=[Subject.MENTOR, Subject.YOUTH],
        purpose=_MATCHING,
        recipients=STAFF_RECIPIENTS,
        source=_("Computed from the people's profiles."),
        retention=_R.APPLICANT_NOT_MATCHED,
        basis=_LI,
        fields={
            "started_by": _staff(_R.APPLICANT_NOT_MATCHED),
            "youth_ids": (_I, _("Who took part in the round.")),
            "mentor_ids": (_I, _("Who took part in the round.")),
        },
        not_personal=(
            *_JOB_CLAIM,
            "programme",
            "previous",
            "status",
            "progress",
            "stage",
            "youth_filter",
            "mentor_filter",
            "parameters",
            "total_score",
            "optimal",
            "error",
            "finished_at",
        ),
    ),
    "matches.RoundProposal": _entry(
        subjects=[Subject.MENTOR, Subject.YOUTH],
        purpose=_MATCHING,
        recipients=STAFF_RECIPIENTS,
        source=_("Computed from the people's profiles."),
        retention=_R.APPLICANT_NOT_MATCHED,
        basis=_LI,
        fields={
            "youth": (_I, _WHICH_YOUTH),
            "mentors": (_I, _WHICH_MENTOR),
            "score": (_D, _MATCHING),
            "factors": (_D, _MATCHING),
            "values": (_D, _MATCHING),
            "details": (_D, _("What a pair has in common, in the people's own words where they wrote them.")),
            "locked_mentor_ids": (_I, _WHICH_MENTOR),
            "alternatives": (_D, _MATCHING),
            "decided_by": _staff(_R.APPLICANT_NOT_MATCHED),
        },
        not_personal=("round", "rank", "decision", "decided_at", "match"),
    ),
    "matches.RoundUnmatched": _entry(
        subjects=[Subject.YOUTH],
        purpose=_("Why no mentor was found for a youth in a round."),
        recipients=STAFF_RECIPIENTS,
        source=_("Computed from the people's profiles."),
        retention=_R.APPLICANT_NOT_MATCHED,
        basis=_LI,
        fields={
            "youth": (_I, _WHICH_YOUTH),
            "reason": (_D, _MATCHING),
            "codes": (_D, _MATCHING),
            "params": (_D, _MATCHING),
            "counts": (_D, _MATCHING),
        },
        not_personal=("round",),
    ),
    "matches.PairRule": _entry(
        subjects=[Subject.MENTOR, Subject.YOUTH],
        purpose=_("A pair the coordinator keeps together or apart in matching."),
        recipients=STAFF_RECIPIENTS,
        source=_("The coordinator."),
        retention=_R.APPLICANT_NOT_MATCHED,
        basis=_LI,
        fields={
            "youth": (_I, _WHICH_YOUTH),
            "mentor": (_I, _WHICH_MENTOR),
            "created_by": _staff(_R.APPLICANT_NOT_MATCHED),
            "note": (_T, _NOTES),
        },
        not_personal=("programme", "kind"),
    ),
    # --- training ------------------------------------------------------------------------------
    "training.Session": _entry(
        subjects=[Subject.STAFF],
        purpose=_("Planning training sessions and who gives them."),
        recipients=_("The coordinators and the mentors invited to the session."),
        source=_("The coordinator."),
        retention=_R.ACCOUNT,
        basis=_CONTRACT,
        fields={
            "trainer": _staff(_R.ACCOUNT, _("Who gives the training.")),
            "trainer_name": (_I, _("Who gives the training.")),
        },
        not_personal=(
            "programme",
            "title",
            "starts_at",
            "duration_hours",
            "audience",
            "capacity",
            "online",
            "place",
            "link",
            "notes",
            "modules",
        ),
    ),
    "training.Registration": _entry(
        subjects=[Subject.MENTOR, Subject.YOUTH, Subject.GUARDIAN],
        purpose=_("Who registered for and attended a training, and the hours it counts for (TRN-1, TRN-2)."),
        recipients=STAFF_RECIPIENTS,
        source=_("The coordinator and the person who registers."),
        retention=_R.PERSON_RECORD,
        basis=_CONTRACT,
        fields={
            "mentor": (_I, _WHICH_MENTOR),
            "youth": (_I, _WHICH_YOUTH),
            "guardian": (_I, _WHICH_GUARDIAN),
            "attended": (_I, _("The hours of training a mentor needs (TRN-1, TRN-2).")),
            "hours_credited": (_I, _("The hours of training a mentor needs (TRN-1, TRN-2).")),
        },
        not_personal=("session", "registered_at"),
    ),
    "training.ExternalHours": _entry(
        subjects=[Subject.MENTOR],
        purpose=_("Training a mentor followed elsewhere, counted towards their hours (TRN-1, TRN-2)."),
        recipients=STAFF_RECIPIENTS,
        source=_("The mentor or the coordinator."),
        retention=_R.PERSON_RECORD,
        basis=_CONTRACT,
        fields={
            "mentor": (_I, _WHICH_MENTOR),
            "hours": (_I, _("The hours of training a mentor needs (TRN-1, TRN-2).")),
            "description": (_T, _("What training the mentor followed.")),
            "recorded_by": _staff(_R.PERSON_RECORD),
        },
        not_personal=("date", "kind"),
    ),
    "training.PeerGroup": _entry(
        subjects=[Subject.MENTOR],
        purpose=_("Peer supervision (intervisie) of mentors (SUP-4)."),
        recipients=_("The coordinators and the members of the group."),
        source=_("The coordinator."),
        retention=_R.PERSON_RECORD,
        basis=_CONTRACT,
        fields={
            "facilitator": _staff(_R.PERSON_RECORD, _("Who leads the group.")),
            "members": (_I, _("Who is in the group.")),
        },
        not_personal=("programme", "name"),
    ),
    "training.PeerSession": _entry(
        subjects=[Subject.MENTOR],
        purpose=_("Peer supervision (intervisie) of mentors (SUP-4)."),
        recipients=STAFF_RECIPIENTS,
        source=_("The coordinator."),
        retention=_R.PERSON_RECORD,
        basis=_CONTRACT,
        fields={"attendees": (_I, _("Who attended, counted towards the training hours (SUP-4)."))},
        not_personal=("group", "date", "duration_hours", "topic"),
    ),
    # --- surveys -------------------------------------------------------------------------------
    "surveys.Instrument": _entry(
        subjects=[Subject.STAFF],
        purpose=_("Questionnaires the organisation uses, and who loaded them."),
        recipients=STAFF_RECIPIENTS,
        source=_("The administrator."),
        retention=_R.ACCOUNT,
        basis=_LI,
        fields={"loaded_by": _staff(_R.ACCOUNT)},
        not_personal=(
            "organisation",
            "key",
            "revision",
            "kind",
            "name_nl",
            "name_en",
            "description_nl",
            "description_en",
            "respondents",
            "young_age",
            "scales",
            "licence_name",
            "licence_url",
            "licence_holder",
            "redistributable",
            "follows",
            "definition",
            "active",
        ),
    ),
    "surveys.Assignment": _entry(
        subjects=[Subject.MENTOR, Subject.YOUTH, Subject.GUARDIAN],
        purpose=_("Asking the youth, the mentor and the parents how things go (OUT-1, OUT-4)."),
        recipients=_("The coordinators of the programme and the administrators of the organisation."),
        source=_("Planned from the programme's survey schedule."),
        retention=_R.SURVEYS,
        basis=_PARENT,
        fields={
            "youth": (_I, _WHICH_YOUTH),
            "mentor": (_I, _WHICH_MENTOR),
            "guardian": (_I, _WHICH_GUARDIAN),
            "language": (_I, _LANGUAGE),
            "young": (_D, _("Young wording for a youth under the instrument's age (an age derived).")),
            "key": (_I, _WHO_IT_IS_ABOUT),
        },
        not_personal=(
            "programme",
            "schedule",
            "instrument",
            "match",
            "respondent",
            "moment",
            "months",
            "due_on",
            "closes_on",
            "status",
            "started_at",
            "submitted_at",
            "link_version",
        ),
    ),
    "surveys.Answer": _entry(
        subjects=[Subject.MENTOR, Subject.YOUTH, Subject.GUARDIAN],
        purpose=_(
            "The answers to a questionnaire, to measure how the youth is doing. The youth's outcomes "
            "questionnaire (koppel-outcomes-youth) asks about alcohol and drug use (health) and about "
            "breaking the rules (self-reported delinquency): only coordinators and administrators see "
            "those answers, and reports show them only for groups large enough."
        ),
        recipients=_("The coordinators of the programme and the administrators of the organisation."),
        source=_("The respondent."),
        retention=_R.SURVEYS,
        basis=_PARENT,
        fields={
            "value": (
                _S,
                _(
                    "Answers about alcohol and drug use (health) and about breaking the rules "
                    "(self-reported delinquency) in the youth's outcomes questionnaire."
                ),
            ),
            "sealed_value": (
                _S,
                _("The same answers to sensitive questions (alcohol, drugs, delinquency), stored encrypted."),
            ),
        },
        not_personal=("assignment", "item", "answered_at"),
    ),
    "surveys.Score": _entry(
        subjects=[Subject.MENTOR, Subject.YOUTH, Subject.GUARDIAN],
        purpose=_("Scores computed from the answers, to report outcomes (OUT-1, OUT-3)."),
        recipients=_(
            "The coordinators of the programme and the administrators of the organisation; reports to "
            "funders hold only figures of groups large enough, never a person."
        ),
        source=_("Computed from the answers."),
        retention=_R.SURVEYS,
        basis=_PARENT,
        fields={
            "youth": (_I, _WHICH_YOUTH),
            "value": (_D, _("Scores computed from the answers, to report outcomes (OUT-1, OUT-3).")),
            "baseline": (_D, _("Scores computed from the answers, to report outcomes (OUT-1, OUT-3).")),
            "pair_key": (_I, _WHO_IT_IS_ABOUT),
        },
        not_personal=(
            "assignment",
            "subscale",
            "answered",
            "items",
            "programme",
            "match",
            "respondent",
            "moment",
            "months",
            "domain",
            "submitted_on",
        ),
    ),
    "surveys.QualityAlert": _entry(
        subjects=[Subject.MENTOR, Subject.YOUTH],
        purpose=_("A warning that a match's relationship quality dropped (OUT-4)."),
        recipients=STAFF_RECIPIENTS,
        source=_("Computed from the answers."),
        retention=_R.SURVEYS,
        basis=_LI,
        fields={
            "value": (_D, _("A warning that a match's relationship quality dropped (OUT-4).")),
            "previous": (_D, _("A warning that a match's relationship quality dropped (OUT-4).")),
            "handled_by": _staff(_R.SURVEYS),
        },
        not_personal=("match", "score", "reason", "threshold", "handled_at"),
    ),
    # --- accounts, staff roles -----------------------------------------------------------------
    "accounts.User": _entry(
        subjects=[Subject.MENTOR, Subject.YOUTH, Subject.GUARDIAN, Subject.STAFF],
        purpose=_("Logging in to Koppel."),
        recipients=LOG_RECIPIENTS,
        source=_("The coordinator or the administrator makes the account; the person sets the password."),
        retention=_R.ACCOUNT,
        basis=_CONTRACT,
        fields={
            "email": (_C, _("The address the person logs in with and receives mail at.")),
            "name": (_I, _NAME),
            "language": (_I, _LANGUAGE),
            "password": (_I, _("A one-way hash of the password, to check it at login.")),
            "last_login": FieldEntry(_I, _("To find accounts no longer used."), _LI, _R.ACCOUNT),
        },
        not_personal=("is_superuser", "is_staff", "is_active", "date_joined", "groups", "user_permissions"),
    ),
    "programmes.Organisation": _entry(
        subjects=[Subject.STAFF],
        purpose=_("The organisation's contact details for questions about privacy and accessibility."),
        recipients=_("Everyone: the privacy statement and the accessibility statement are public."),
        source=_("The administrator."),
        retention=_R.ACCOUNT,
        basis=_LAW,
        fields={"privacy_officer": (_I, _("The data protection officer people can turn to."))},
        not_personal=(
            "name",
            "slug",
            "privacy_email",
            "postal_address",
            "town",
            "accessibility_email",
            "accessibility_evaluated_on",
            "accessibility_status",
            "accessibility_limitations",
        ),
    ),
    "programmes.Coordinator": _entry(
        subjects=[Subject.STAFF],
        purpose=_("Who coordinates which programme."),
        recipients=STAFF_RECIPIENTS,
        source=_("The administrator."),
        retention=_R.ACCOUNT,
        basis=_CONTRACT,
        fields={"user": (_I, _("Who coordinates which programme."))},
        not_personal=("programme", "caseload_limit"),
    ),
    "programmes.Administrator": _entry(
        subjects=[Subject.STAFF],
        purpose=_("Who administers the organisation."),
        recipients=STAFF_RECIPIENTS,
        source=_("The administrator."),
        retention=_R.ACCOUNT,
        basis=_CONTRACT,
        fields={"user": (_I, _("Who administers the organisation."))},
        not_personal=("organisation",),
    ),
    # The login's parts kept by the libraries Koppel uses for logging in (django-allauth).
    "account.EmailAddress": _entry(
        subjects=[Subject.MENTOR, Subject.YOUTH, Subject.GUARDIAN, Subject.STAFF],
        purpose=_("Logging in to Koppel."),
        recipients=LOG_RECIPIENTS,
        source=_("Copied from the login."),
        retention=_R.ACCOUNT,
        basis=_CONTRACT,
        fields={
            "user": (_I, _LINK_TO_LOGIN),
            "email": (_C, _("The address the person logs in with and receives mail at.")),
        },
        not_personal=("verified", "primary"),
    ),
    "mfa.Authenticator": _entry(
        subjects=[Subject.MENTOR, Subject.STAFF],
        purpose=_("The second step at login (an app code or a passkey), required for staff."),
        recipients=LOG_RECIPIENTS,
        source=_("The person, when they set up the second step."),
        retention=_R.ACCOUNT,
        basis=_LAW,
        fields={
            "user": (_I, _LINK_TO_LOGIN),
            "data": (_I, _("The encrypted secret or the passkey's public key.")),
            "last_used_at": (_I, _("To find a second step no longer used.")),
        },
        not_personal=("type",),
    ),
    "usersessions.UserSession": _entry(
        subjects=[Subject.MENTOR, Subject.YOUTH, Subject.GUARDIAN, Subject.STAFF],
        purpose=_("The person's open sessions, so that they can see and end them (the Sessions page)."),
        recipients=_("The person themselves."),
        source=_("Written by Koppel at login."),
        retention=_R.ACCOUNT,
        basis=_LI,
        fields={
            "user": (_I, _LINK_TO_LOGIN),
            "ip": (_I, _("To recognise a session the person did not start.")),
            "user_agent": (_I, _("To recognise a session the person did not start.")),
            "last_seen_at": (_I, _("To recognise a session the person did not start.")),
            "session_key": (_I, _("To end a session.")),
            "data": (_I, _("The session's own data.")),
        },
    ),
    "admin.LogEntry": _entry(
        subjects=[Subject.STAFF],
        purpose=_("Changes made in the technical administration pages, and by whom."),
        recipients=LOG_RECIPIENTS,
        source=_("Written by Koppel."),
        retention=_R.LOGS,
        basis=_LI,
        fields={
            "user": (_I, _WHO_DID_IT),
            "object_id": (_I, _WHO_IT_IS_ABOUT),
            "object_repr": (_I, _("The name of the changed record, as it was shown.")),
            "change_message": (_I, _("Names of the changed fields.")),
        },
        not_personal=("action_time", "content_type", "action_flag"),
    ),
    # --- logs, mail, reminders, exports -------------------------------------------------------
    "common.ActivityLog": _entry(
        subjects=[Subject.MENTOR, Subject.YOUTH, Subject.GUARDIAN, Subject.STAFF],
        purpose=_("Who changed what and when: names of the changed fields, never their values."),
        recipients=LOG_RECIPIENTS,
        source=_("Written by Koppel at every change."),
        retention=_R.LOGS,
        basis=_LI,
        fields={
            "actor": (_I, _WHO_DID_IT),
            "actor_label": (_I, _WHO_DID_IT),
            "object_id": (_I, _WHO_IT_IS_ABOUT),
            "data": (_I, _("Ids of the rows involved in a change.")),
        },
        not_personal=("timestamp", "action", "content_type", "fields"),
    ),
    "common.AccessLog": _entry(
        subjects=[Subject.MENTOR, Subject.YOUTH, Subject.GUARDIAN, Subject.STAFF],
        purpose=_("Who looked at whose file, so that misuse is found and people can ask who saw their data."),
        recipients=LOG_RECIPIENTS,
        source=_("Written by Koppel at every view of a person's data."),
        retention=_R.LOGS,
        basis=_LI,
        fields={
            "viewer": (_I, _WHO_DID_IT),
            "viewer_label": (_I, _WHO_DID_IT),
            "object_id": (_I, _WHO_IT_IS_ABOUT),
        },
        not_personal=("timestamp", "content_type", "page"),
    ),
    "common.OutgoingMail": _entry(
        subjects=[Subject.MENTOR, Subject.YOUTH, Subject.GUARDIAN, Subject.STAFF],
        purpose=_(
            "Mail waiting to be sent; the text is wiped once it was sent, the row removed after a week."
        ),
        recipients=_("The mail provider that delivers the mail (a processor), and the addressee."),
        source=_("Written by Koppel."),
        retention=_R.LOGS,
        basis=_CONTRACT,
        fields={
            "to": (_C, _("The address the mail goes to.")),
            "language": (_I, _LANGUAGE),
            "subject": (_T, _("The mail itself, until it was sent.")),
            "body": (_T, _("The mail itself, until it was sent.")),
            "log_ref": (_I, _WHO_IT_IS_ABOUT),
        },
        not_personal=(
            "programme_id",
            "message_id",
            "status",
            "attempts",
            "next_attempt_at",
            "claimed_by",
            "claimed_at",
            "sent_at",
            "last_error",
        ),
    ),
    "common.Reminder": _entry(
        subjects=[Subject.MENTOR, Subject.YOUTH, Subject.GUARDIAN, Subject.STAFF],
        purpose=_("Reminders about consent, meetings, training, certificates and surveys."),
        recipients=_("The addressee, through the mail provider (a processor)."),
        source=_("Written by Koppel."),
        retention=_R.LOGS,
        basis=_CONTRACT,
        fields={
            "recipient": (_I, _WHO_IT_IS_ABOUT),
            "email": (_C, _("The address the mail goes to.")),
            "language": (_I, _LANGUAGE),
            "object_id": (_I, _WHO_IT_IS_ABOUT),
            "context": (_I, _("Ids and dates the reminder's text needs.")),
            "key": (_I, _WHO_IT_IS_ABOUT),
        },
        not_personal=(
            "kind",
            "content_type",
            "due_at",
            "status",
            "attempts",
            "next_attempt_at",
            "claimed_by",
            "claimed_at",
            "sent_at",
            "last_error",
        ),
    ),
    "common.FailedAttempt": _entry(
        subjects=[Subject.MENTOR, Subject.YOUTH, Subject.GUARDIAN],
        purpose=_("Wrong answers behind a personal link, counted for an hour to stop guessing."),
        recipients=LOG_RECIPIENTS,
        source=_("Written by Koppel."),
        retention=_R.LOGS,
        basis=_LI,
        fields={"key": (_I, _("Which link was tried (its kind and id), never the answer."))},
        not_personal=("at",),
    ),
    "reports.ExportJob": _entry(
        subjects=[Subject.STAFF],
        purpose=_("A report a coordinator downloads; removed after a week."),
        recipients=_("The coordinator who asked for it."),
        source=_("Computed from the programme's records."),
        retention=_R.LOGS,
        basis=_LI,
        fields={
            "requested_by": _staff(_R.LOGS, _("Who asked for the report: only they download it.")),
            "content": (_D, _("The report's figures; groups too small are left out.")),
        },
        not_personal=(
            *_JOB_CLAIM,
            "organisation",
            "programme",
            "report",
            "format",
            "params",
            "language",
            "status",
            "progress",
            "filename",
            "content_type",
            "rows",
            "error",
            "finished_at",
        ),
    ),
    "privacy.ErasureLedgerEntry": _entry(
        subjects=[Subject.MENTOR, Subject.YOUTH, Subject.GUARDIAN],
        purpose=_(
            "A keyed hash of an erased person's record, so that an erasure holds after a backup is "
            "restored; it cannot be turned back into the person."
        ),
        recipients=LOG_RECIPIENTS,
        source=_("Written by Koppel at an erasure."),
        retention=_R.LOGS,
        basis=_LAW,
        fields={"subject_hash": (_I, _("Proof of the erasure, without the person's data."))},
        not_personal=("erased_at",),
    ),
    "privacy.AccessRequest": _entry(
        subjects=[Subject.MENTOR, Subject.YOUTH, Subject.GUARDIAN],
        purpose=_(
            "A request for a copy of everything Koppel holds about a person (GDPR art. 15 and 20) "
            "and the archive made for it, to answer the request and to account for it."
        ),
        recipients=_("The person who asked for it, and the administrators of the organisation."),
        source=_("The person or a parent asked for it; the archive is made from their records."),
        retention=_R.LOGS,
        basis=_LAW,
        fields={
            "mentor": (_I, _WHICH_MENTOR),
            "youth": (_I, _WHICH_YOUTH),
            "guardian": (_I, _WHICH_GUARDIAN),
            "requested_by": (_I, _("Who asked for the copy: only they download it in the portal.")),
            "on_behalf": (_I, _("The parent with parental authority who asked for a child under 16.")),
            "content": (
                _T,
                _("The archive itself, wiped when its download period ends."),
            ),
            "filename": (_I, _("The archive's file name, which may name the person.")),
        },
        not_personal=(
            *_JOB_CLAIM,
            "organisation",
            "from_portal",
            "language",
            "status",
            "progress",
            "error",
            "finished_at",
            "downloaded_at",
            "expires_at",
        ),
    ),
    "privacy.ComingOfAge": _entry(
        subjects=[Subject.YOUTH],
        purpose=_(
            "That a youth turned 16 and from then decides about their own data (UAVG art. 5), so it "
            "is handled once."
        ),
        recipients=STAFF_RECIPIENTS,
        source=_("Computed from the date of birth."),
        retention=_R.PERSON_RECORD,
        basis=_LAW,
        fields={"youth": (_I, _WHICH_YOUTH), "turned_on": (_D, _("The day the youth turned 16."))},
        not_personal=("flagged_at",),
    ),
    "privacy.OwnConfirmation": _entry(
        subjects=[Subject.YOUTH],
        purpose=_("A youth of 16 confirms the mentoring agreement their parent consented to (UAVG art. 5)."),
        recipients=MATCH_RECIPIENTS,
        source=_("The youth."),
        retention=_R.MATCH_RECORDS,
        basis=_OWN,
        fields={
            "youth": (_I, _WHICH_YOUTH),
            "consent": (_I, _("The parent's consent the youth is asked to confirm.")),
            "confirmed_by": (_I, _("The login that confirmed it.")),
            "typed_name": (_I, _CONSENT),
        },
        not_personal=("flagged_at", "confirmed_at"),
    ),
    "privacy.RetentionOverride": _entry(
        subjects=[Subject.STAFF],
        purpose=_("An organisation's own retention period for one kind of data, and why."),
        recipients=LOG_RECIPIENTS,
        source=_("The administrator who changed it."),
        retention=_R.LOGS,
        basis=_LAW,
        fields={"changed_by": _staff(_R.LOGS)},
        not_personal=("organisation", "rule", "months", "reason"),
    ),
    "privacy.RetentionRun": _entry(
        subjects=[Subject.STAFF],
        purpose=_("When the retention schedule was previewed or applied, with counts and never names."),
        recipients=LOG_RECIPIENTS,
        source=_("Written by Koppel."),
        retention=_R.LOGS,
        basis=_LAW,
        fields={"by": _staff(_R.LOGS)},
        not_personal=("organisation", "kind", "ran_at", "today", "counts"),
    ),
}


def entry_for(model: type[models.Model] | models.Model) -> ModelEntry | None:
    """The data map's entry for a model (or an instance of it), None for a model without personal data."""
    return DATA_MAP.get(model._meta.label)


def _fields_of(model: type[models.Model]) -> list[models.Field]:
    # Concrete columns and many-to-many lists (attendance, members): both can hold who someone is.
    return [*model._meta.concrete_fields, *model._meta.many_to_many]


def points_at_a_person(model: type[models.Model]) -> bool:
    """Whether the model has a column or list that points at a mentor, youth, guardian or login."""
    return any(
        f.is_relation and f.related_model is not None and f.related_model._meta.label in PERSON_MODELS
        for f in _fields_of(model)
    )


def models_to_check() -> list[type[models.Model]]:
    """Every model in the map, and every model of Koppel that points at a person (so that a new
    model with personal data is caught even before anyone adds it to the map)."""
    found = [apps.get_model(label) for label in DATA_MAP]
    for model in apps.get_models():
        if model._meta.label not in DATA_MAP and points_at_a_person(model):
            found.append(model)
    return found


def classification_gaps(models_: Iterable[type[models.Model]] | None = None) -> list[str]:
    """ "app.Model.field" for every field that is neither classified nor declared not personal, and
    for every name in the map that is no longer a field of its model."""
    gaps: list[str] = []
    for model in models_to_check() if models_ is None else models_:
        label = model._meta.label
        entry = DATA_MAP.get(label)
        classified = set(entry.fields) if entry else set()
        declared = set(entry.not_personal) if entry else set()
        names = {f.name for f in _fields_of(model)}
        if entry is None and label in CHECKED_NOT_PERSONAL and not points_at_a_person(model):
            continue
        for name in sorted(names):
            if name not in classified and name not in declared and name not in GENERIC_NOT_PERSONAL:
                gaps.append(f"{label}.{name}")
        for name in sorted((classified | declared) - names):
            gaps.append(f"{label}.{name} (in the data map, not on the model)")
        for name in sorted(classified & declared):
            gaps.append(f"{label}.{name} (both classified and declared not personal)")
    return gaps


def personal_fields(subject: Subject | None = None) -> Iterator[tuple[str, str, FieldEntry]]:
    """(model label, field name, entry) for every classified field, of one group of people or all."""
    for label, entry in DATA_MAP.items():
        if subject is not None and subject not in entry.subjects:
            continue
        for name, field_entry in entry.fields.items():
            yield label, name, field_entry


def field_label(label: str, name: str) -> str:
    """The field's verbose name, as the model says it (translated)."""
    model = apps.get_model(label)
    return str(model._meta.get_field(name).verbose_name)
