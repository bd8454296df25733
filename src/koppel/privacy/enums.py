"""The vocabulary of the data map: what kind of personal data a field holds, why Koppel may hold it,
and which retention rule ends it."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    IDENTITY = "identity", _("Identity")
    CONTACT = "contact", _("Contact details")
    SPECIAL = "special", _("Special category (health, origin, beliefs)")
    OFFENCE = "offence", _("Offence-related")
    SAFEGUARDING = "safeguarding", _("Safeguarding")
    FREE_TEXT = "free_text", _("Free text")
    DERIVED = "derived", _("Derived")


class LegalBasis(models.TextChoices):
    CONTRACT = "contract", _("Agreement (the mentoring agreement or volunteer agreement)")
    LEGITIMATE_INTEREST = "legitimate_interest", _("Legitimate interest")
    CONSENT_PERSON = "consent_person", _("Consent of the person")
    CONSENT_GUARDIAN = "consent_guardian", _("Consent of a parent or guardian (youth under 16)")
    LEGAL_DUTY = "legal_duty", _("Legal duty")


class RetentionRule(models.TextChoices):
    """One code per retention rule; the schedule (koppel.privacy.domain.retention) holds each one's
    period and what applying it does."""

    APPLICANT_NOT_MATCHED = "applicant_not_matched", _("Applicants never matched")
    VOG_FACTS = "vog_facts", _("Screening and certificate of conduct facts")
    MATCH_RECORDS = "match_records", _("Meeting logs and match notes")
    PERSON_RECORD = "person_record", _("A person's file after their last match")
    SURVEYS = "surveys", _("Survey answers")
    LOGS = "logs", _("Access and activity logs")
    DISQUALIFICATION = "disqualification", _("Disqualification record")
    ACCOUNT = "account", _("Login account")
