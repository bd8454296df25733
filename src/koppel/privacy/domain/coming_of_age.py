"""Turning 16 (UAVG art. 5): below 16 a youth's parents consent for them; from 16 the youth does.

Run daily by `koppel send_reminders` (`flag_youth_turned_sixteen`). For each youth who is 16 on the
organisation's "today" (`timezone.localdate()`) and was not seen before:

- a `ComingOfAge` row, once per youth: a second run flags nothing twice;
- every consent a parent or guardian gave, before the birthday, to the latest agreement of the
  youth's agreed or active match gets an `OwnConfirmation`: the youth's portal home asks them to
  confirm the agreement themselves (`confirm_own_consent`);
- the youth's own access: a youth with a login keeps it; one with an e-mail address that no account
  uses yet gets a login and an invitation (queued in the outbox in the same transaction); any other
  appears on the coordinator's worklist ("needs own access", `needs_own_access`) until they have one.

What depended on being under 16 switches at once: from 16 the guardians no longer see the youth's
access log (`guardian_sees_child_file`), and no longer read the mentor's meeting notes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from koppel.accounts.domain.accounts import create_account
from koppel.accounts.models import User
from koppel.common.domain.audit import log_action
from koppel.common.domain.errors import DomainError
from koppel.common.domain.mail import queue_mail
from koppel.matches.domain.agreement import CONSENT_STATES, normal_name
from koppel.matches.enums import Party
from koppel.matches.models import Agreement, Consent
from koppel.people.enums import YouthStatus
from koppel.people.models import Youth
from koppel.people.models.people import age_on
from koppel.privacy.models import ComingOfAge, OwnConfirmation

# UAVG art. 5: the age from which a youth consents themselves and sees their own file.
OWN_CONSENT_AGE = 16
# A youth who left the programme gets no invitation and no worklist row.
ENDED_STATUSES = (YouthStatus.CLOSED, YouthStatus.WITHDRAWN)

INVITATION_SUBJECT = gettext_lazy("Your own login for the mentoring programme")


def birthday(born: date, age: int) -> date:
    """The day a person born on `born` turns `age`, as `age_on` counts it: someone born on
    29 February turns a year older on 1 March in a year without one."""
    try:
        return born.replace(year=born.year + age)
    except ValueError:  # 29 February in a year without one
        return date(born.year + age, 3, 1)


def latest_birth_date(today: date, age: int = OWN_CONSENT_AGE) -> date:
    """The latest date of birth of someone who is `age` or older on `today`."""
    try:
        return today.replace(year=today.year - age)
    except ValueError:  # today is 29 February, that year had none: born on 28 February is old enough
        return date(today.year - age, 2, 28)


def is_under_own_consent_age(youth: Youth, today: date | None = None) -> bool:
    """Below 16 on the organisation's today (a youth without a date of birth counts as younger)."""
    age = age_on(youth.date_of_birth, today or timezone.localdate())
    return age is None or age < OWN_CONSENT_AGE


# --- The daily run --------------------------------------------------------------------------------


@dataclass
class TurnedSixteen:
    """What one run did: youth seen turning 16, consents flagged, invitations queued, and youth
    left on the worklist without their own access."""

    youth: list[int] = field(default_factory=list)
    consents: int = 0
    invited: list[int] = field(default_factory=list)
    needs_access: list[int] = field(default_factory=list)


def due_youth(today: date) -> QuerySet[Youth]:
    """Youth who are 16 or older on `today`, still in a programme, and not seen by a run before
    (the run skips those who were 16 already when they were registered)."""
    return (
        Youth.objects.filter(date_of_birth__lte=latest_birth_date(today), coming_of_age__isnull=True)
        .exclude(status__in=ENDED_STATUSES)
        .order_by("id")
    )


def _consents_to_flag(youth: Youth, before: datetime) -> QuerySet[Consent]:
    """Parents' consents given before `before` to the latest agreement of the youth's agreed or
    active matches."""
    latest = Agreement.objects.filter(match=OuterRef("agreement__match")).order_by("-number").values("pk")[:1]
    return Consent.objects.filter(
        party=Party.GUARDIAN,
        agreement__match__youth=youth,
        agreement__match__state__in=CONSENT_STATES,
        given_at__isnull=False,
        given_at__lt=before,
        agreement_id=Subquery(latest),
    )


def flag_youth_turned_sixteen(*, today: date | None = None, by: User | None = None) -> TurnedSixteen:
    """Flag every youth who turned 16 and was not flagged before; give them their own access.

    Idempotent: each youth is claimed by inserting their `ComingOfAge` row (unique), so a second run,
    or two runs at once, flag nobody twice. A youth flagged earlier who has an e-mail address by now
    but still no login is invited on this run. Side effects per youth, in one transaction: the
    `ComingOfAge` row, `OwnConfirmation` rows, possibly a login (`create_account`) and an invitation
    mail in the outbox, activity-log entries (`privacy.youth.turned_sixteen`, `privacy.youth.invited`).
    """
    today = today or timezone.localdate()
    result = TurnedSixteen()
    for youth_id, born, registered in list(due_youth(today).values_list("pk", "date_of_birth", "created_at")):
        if timezone.localdate(registered) > birthday(born, OWN_CONSENT_AGE):
            # Registered after their 16th birthday: they consented themself and their access was settled at
            # intake; nothing turned while they were in Koppel.
            continue
        try:
            _flag_one(youth_id, today=today, by=by, result=result)
        except IntegrityError:
            continue  # another run claimed this youth first
    for youth in _waiting_for_invitation():
        with transaction.atomic():
            if _invite_if_possible(youth, by=by):
                result.invited.append(youth.pk)
    return result


@transaction.atomic
def _flag_one(youth_id: int, *, today: date, by: User | None, result: TurnedSixteen) -> None:
    youth = Youth.objects.select_for_update().get(pk=youth_id)
    if ComingOfAge.objects.filter(youth=youth).exists():
        return
    now = timezone.now()
    turned_on = birthday(youth.date_of_birth, OWN_CONSENT_AGE)
    ComingOfAge.objects.create(youth=youth, turned_on=turned_on, flagged_at=now)
    start_of_birthday = timezone.make_aware(datetime.combine(turned_on, time.min))
    consents = list(_consents_to_flag(youth, start_of_birthday).values_list("pk", flat=True))
    OwnConfirmation.objects.bulk_create(
        [OwnConfirmation(consent_id=pk, youth=youth, flagged_at=now) for pk in consents]
    )
    if youth.user_id is not None:
        access = "has_login"
    elif _invite_if_possible(youth, by=by):
        access = "invited"
        result.invited.append(youth.pk)
    else:
        access = "needs_access"
        result.needs_access.append(youth.pk)
    log_action(
        youth,
        "privacy.youth.turned_sixteen",
        by=by,
        data={"turned_on": turned_on.isoformat(), "consents": consents, "access": access},
    )
    result.youth.append(youth.pk)
    result.consents += len(consents)


def _waiting_for_invitation() -> QuerySet[Youth]:
    """Youth flagged earlier without a login who have an e-mail address by now."""
    return (
        Youth.objects.filter(coming_of_age__isnull=False, user__isnull=True)
        .exclude(email="")
        .exclude(status__in=ENDED_STATUSES)
        .order_by("id")
    )


def _invite_if_possible(youth: Youth, *, by: User | None) -> bool:
    """Give the youth a login and queue the invitation; False when they have no address, or one that
    another account uses already (then staff must sort it out: the worklist)."""
    youth = Youth.objects.select_for_update().select_related("programme").get(pk=youth.pk)
    if youth.user_id is not None or not youth.email:
        return False
    if User.objects.filter(email__iexact=youth.email).exists():
        return False
    user = create_account(youth.email, by=by, name=youth.full_name, language=youth.preferred_language)
    Youth.objects.filter(pk=youth.pk).update(user=user, version=F("version") + 1, updated_at=timezone.now())
    log_action(youth, "privacy.youth.invited", by=by, fields=["user"])
    queue_mail(
        youth.email,
        language=youth.preferred_language,
        subject=INVITATION_SUBJECT,
        template="mail/own_access_invitation.txt",
        context={
            "youth": youth,
            "programme": youth.programme,
            "reset_url": settings.SITE_URL + reverse("account_reset_password"),
            "login_url": settings.SITE_URL + reverse("account_login"),
        },
        log_ref=f"own access invitation youth {youth.pk}",
        programme_id=youth.programme_id,
    )
    return True


def needs_own_access(programme_ids: Iterable[int]) -> QuerySet[Youth]:
    """Youth of these programmes who turned 16 and have no login of their own yet (worklist)."""
    return (
        Youth.objects.filter(programme_id__in=programme_ids, coming_of_age__isnull=False, user__isnull=True)
        .exclude(status__in=ENDED_STATUSES)
        .order_by("coming_of_age__turned_on", "id")
    )


# --- The youth's own confirmation -----------------------------------------------------------------


def confirmations_of(youth_ids: Iterable[int]) -> QuerySet[OwnConfirmation]:
    """Every confirmation these youth were asked for, confirmed or not."""
    return OwnConfirmation.objects.filter(youth_id__in=youth_ids)


def pending_confirmations(youth_ids: Iterable[int]) -> QuerySet[OwnConfirmation]:
    """The parents' consents these youth are asked to confirm, with their agreement and match."""
    return (
        OwnConfirmation.objects.filter(youth_id__in=youth_ids, confirmed_at__isnull=True)
        .select_related("consent__agreement__match__programme", "youth")
        .order_by("consent__agreement_id", "consent_id")
    )


def agreements_to_confirm(youth_ids: Iterable[int]) -> list[Agreement]:
    """One agreement per card on the youth's home page (a parent's consent or more waiting on it)."""
    seen: dict[int, Agreement] = {}
    for row in pending_confirmations(youth_ids):
        seen.setdefault(row.consent.agreement_id, row.consent.agreement)
    return list(seen.values())


@transaction.atomic
def confirm_own_consent(agreement: Agreement, *, youth: Youth, by: User, typed_name: str) -> int:
    """The youth confirms, themselves, the agreement their parents consented to for them, by typing
    their full name as a signature. Returns how many parents' consents this confirmed.

    Refused when nothing waits for their confirmation on this agreement or the name does not match.
    Side effects: the confirmations' `confirmed_at`, `confirmed_by`, `typed_name`; an activity-log
    entry on the youth (`privacy.own_consent.confirmed`, without the typed name)."""
    rows = list(
        OwnConfirmation.objects.select_for_update()
        .filter(youth=youth, consent__agreement=agreement, confirmed_at__isnull=True)
        .order_by("pk")
    )
    if not rows:
        raise DomainError(_("There is nothing to confirm for this agreement: you confirmed it already."))
    if not typed_name.strip() or normal_name(typed_name) != normal_name(youth.full_name):
        raise DomainError(
            _("The name does not match. Type your full name (first name and last name) as a signature.")
        )
    now = timezone.now()
    typed = " ".join(typed_name.split())[:200]
    OwnConfirmation.objects.filter(pk__in=[r.pk for r in rows]).update(
        confirmed_at=now, confirmed_by=by, typed_name=typed
    )
    log_action(
        youth,
        "privacy.own_consent.confirmed",
        by=by,
        fields=["confirmed_at", "typed_name"],
        data={"agreement": agreement.pk, "consents": [r.consent_id for r in rows]},
    )
    return len(rows)


# --- Who sees the youth's file --------------------------------------------------------------------


def guardian_sees_child_file(
    youth: Youth, *, has_parental_authority: bool, today: date | None = None
) -> bool:
    """A parent sees their child's access log (and the mentor's meeting notes, where the programme
    allows it) only while the child is under 16 and only with parental authority."""
    return has_parental_authority and is_under_own_consent_age(youth, today)


def under_own_consent_age_q(today: date, prefix: str = "") -> Q:
    """The database side of `is_under_own_consent_age`, for a selector over youth."""
    return Q(**{f"{prefix}date_of_birth__gt": latest_birth_date(today)})
