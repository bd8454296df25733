"""Subject access and portability (GDPR/AVG art. 15 and 20): who may ask for whose data, the
request, the background job that builds the archive, the download and the clean-up.

Who may ask (`refusal`):
- an administrator of the organisation, for any of its mentors, youth and guardians, optionally
  recording the parent who asked for their child (`on_behalf_of`);
- in the portal, a mentor or a guardian for themself, a youth of 16 or older for themself
  (UAVG art. 5: from 16 a youth exercises their own rights), and a guardian with parental
  authority for their child under 16. The age is counted on the organisation's "today"
  (`timezone.localdate()`).

A request is queued and the task `run_access_request_job` builds the archive after the commit
(`koppel worker`); the worker claims the row, writes its progress as its heartbeat and stores the
ZIP on the row (koppel.common.domain.jobs). The periodic command queues again a request whose worker
stopped (`release_stale_access_requests`) and wipes archives past `AccessRequest.KEEP_DAYS`
(`expire_access_archives`). Every request, its completion, every download and the expiry is in the
activity log; a staff download is also in the subject's access log.
"""

from __future__ import annotations

import contextlib
import logging
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from koppel.accounts.models import User
from koppel.common.domain import jobs
from koppel.common.domain.audit import log_access, log_action
from koppel.common.domain.errors import DomainError
from koppel.common.domain.mail import queue_mail
from koppel.people.enums import MentorStatus
from koppel.people.models import Guardian, Guardianship, Mentor, Youth
from koppel.people.models.people import age_on
from koppel.privacy.domain import archive
from koppel.privacy.domain.coming_of_age import OWN_CONSENT_AGE
from koppel.privacy.domain.subjects import Subject, kind_of, organisation_id_of
from koppel.privacy.models import AccessRequest, AccessStatus
from koppel.privacy.models.access import OPEN_STATUSES
from koppel.programmes.models import Administrator

if TYPE_CHECKING:
    from koppel.people.domain.roles import AnyUser

logger = logging.getLogger(__name__)

# UAVG art. 5: below this age a parent with parental authority exercises the child's rights.

# Stored in English and translated where shown: the worker has no user language. Never personal data.
FAILED_ERROR = gettext_noop(
    "The archive could not be made; try again, or ask the administrator to look at the log."
)
WORKER_LOST_ERROR = gettext_noop(
    "The background worker stopped each time it prepared this archive, so it was given up. Try "
    "again, or ask the administrator to check that the background worker is running."
)

MAIL_SUBJECT = gettext_lazy("Your data is ready to download")


# --- Who may ask ---------------------------------------------------------------------------------


def is_administrator_of(user: AnyUser | None, organisation_id: int) -> bool:
    return (
        user is not None
        and user.is_authenticated
        and Administrator.objects.filter(user=user, organisation_id=organisation_id).exists()
    )


def age_today(youth: Youth) -> int | None:
    return age_on(youth.date_of_birth, timezone.localdate())


def _authority(guardian: Guardian, youth: Youth) -> Guardianship | None:
    return Guardianship.objects.filter(guardian=guardian, youth=youth).first()


def _guardian_refusal(youth: Youth, guardian: Guardian) -> str | None:
    """Why `guardian` may not ask for `youth`'s data (None when they may)."""
    link = _authority(guardian, youth)
    if link is None:
        return _("You can only ask for the data of your own child.")
    if not link.has_parental_authority:
        return _("Only a parent or guardian with parental authority can ask for a child's data.")
    age = age_today(youth)
    if age is not None and age >= OWN_CONSENT_AGE:
        return _(
            "%(name)s is 16 or older and asks for their own data; a parent or guardian can no longer "
            "ask for it for them."
        ) % {"name": youth.first_name}
    return None


def refusal(subject: Subject, *, by: User, on_behalf_of: Guardian | None = None) -> str | None:
    """Why `by` may not ask for `subject`'s data, as a translated sentence; None when they may.
    The one rule the domain function, the staff pages and the portal ask."""
    if by is None or not by.is_authenticated or not by.is_active:
        return _("You cannot ask for this person's data.")
    if is_administrator_of(by, organisation_id_of(subject)):
        if on_behalf_of is not None:
            if not isinstance(subject, Youth):
                return _("A parent or guardian can only ask for the data of a child.")
            return _guardian_refusal(subject, on_behalf_of)
        return None
    own = subject.user_id is not None and subject.user_id == by.pk
    if own and on_behalf_of is None:
        if isinstance(subject, Mentor) and subject.status == MentorStatus.DISQUALIFIED:
            return _("Please ask the programme for your data.")
        if isinstance(subject, Youth):
            age = age_today(subject)
            if age is not None and age < OWN_CONSENT_AGE:
                return _(
                    "From the age of 16 you can ask for your data yourself. Until then, your parent "
                    "or guardian can ask for it for you."
                )
        return None
    if isinstance(subject, Youth):
        guardian = on_behalf_of or Guardian.objects.filter(user=by).first()
        if guardian is not None and guardian.user_id == by.pk:
            return _guardian_refusal(subject, guardian)
    return _("You cannot ask for this person's data.")


# --- Requesting ----------------------------------------------------------------------------------


def request_access_archive(
    subject: Subject, *, by: User, on_behalf_of: Guardian | None = None, from_portal: bool = False
) -> AccessRequest:
    """Ask for a copy of everything Koppel holds about `subject` (see the module's rules). Refused
    with a DomainError when `by` may not ask, or when their request for this person is still being
    prepared. The archive is in the subject's preferred language.

    Side effects: an AccessRequest; an activity-log entry "privacy.access.requested" on it and one on
    the subject; after the commit, the task `run_access_request_job`.
    """
    reason = refusal(subject, by=by, on_behalf_of=on_behalf_of)
    if reason is not None:
        raise DomainError(reason)
    if on_behalf_of is None and isinstance(subject, Youth) and subject.user_id != by.pk:
        # A guardian asking in the portal for their child: the request records them.
        on_behalf_of = Guardian.objects.filter(user=by).first()
    field = kind_of(subject)
    # A cycle: koppel.privacy.tasks imports this module (run_access_request).
    from koppel.privacy.tasks import run_access_request_job

    try:
        with transaction.atomic():
            # Lock the person: two clicks at once make one request.
            type(subject)._default_manager.select_for_update().filter(pk=subject.pk).first()
            if AccessRequest.objects.filter(
                requested_by=by, status__in=OPEN_STATUSES, **{field: subject}
            ).exists():
                raise DomainError(_("Your request for this person's data is still being prepared."))
            access = AccessRequest.objects.create(
                organisation_id=organisation_id_of(subject),
                requested_by=by,
                on_behalf=on_behalf_of,
                from_portal=from_portal,
                language=subject.preferred_language or settings.LANGUAGE_CODE,
                **{field: subject},
            )
            data = {"subject": field, "portal": from_portal, "on_behalf": on_behalf_of is not None}
            log_action(access, "privacy.access.requested", by=by, data=data)
            log_action(subject, "privacy.access.requested", by=by, data={"request": access.pk})
            transaction.on_commit(partial(run_access_request_job.enqueue, access.pk))
    except IntegrityError:
        raise DomainError(_("Your request for this person's data is still being prepared.")) from None
    return access


# --- Running -------------------------------------------------------------------------------------


def archive_filename(access: AccessRequest, *, now: datetime) -> str:
    """koppel-data-12-2026-12-07.zip: the request and the day, no names."""
    return f"koppel-data-{access.pk}-{timezone.localtime(now).date().isoformat()}.zip"


def run_access_request(request_id: int, *, run: str | None = None) -> AccessRequest:
    """Build the archive of a queued request (the background task calls this). A request that is not
    queued is left alone. Never raises for a failing archive: the request becomes "failed" with a
    short error; details go to the log by id only. A run that lost its claim stores nothing.

    Side effects when done: the archive on the row, "privacy.access.completed" in the activity log,
    and, for a request from the portal, a mail to the requester with a link to the portal only.
    """

    run = run or jobs.new_run_id()
    claimed = jobs.claim_job(AccessRequest, request_id, run=run, progress=1)
    access = AccessRequest.objects.select_related("mentor", "youth", "guardian", "requested_by").get(
        pk=request_id
    )
    if not claimed:
        return access
    beat = jobs.Heartbeat(AccessRequest, access.pk, run)
    try:
        # 100 only with the stored archive.
        content = archive.build_access_archive(access, progress=jobs.PercentProgress(beat, highest=99))
        now = timezone.now()
        with transaction.atomic():
            beat.write(
                status=AccessStatus.DONE,
                progress=100,
                content=content,
                filename=archive_filename(access, now=now),
                finished_at=now,
                expires_at=now + timedelta(days=AccessRequest.KEEP_DAYS),
            )
            log_action(access, "privacy.access.completed", by=None, data={"bytes": len(content)})
            if access.from_portal and access.requested_by is not None and access.requested_by.email:
                _queue_ready_mail(access)
    except jobs.ClaimLost:
        logger.warning("access request %s was released from run %s; nothing stored", request_id, run)
    except Exception:
        logger.exception("access request %s failed", request_id)
        with contextlib.suppress(jobs.ClaimLost):
            beat.write(status=AccessStatus.FAILED, error=FAILED_ERROR, finished_at=timezone.now())
    access.refresh_from_db()
    return access


def _queue_ready_mail(access: AccessRequest) -> None:
    """The mail that the archive is ready: no name and no data, only the link to the portal page."""
    user = access.requested_by
    if user is None:
        return
    queue_mail(
        user.email,
        language=user.language or access.language,
        subject=MAIL_SUBJECT,
        template="privacy/mail/access_ready.txt",
        context={
            "link": settings.SITE_URL + reverse("portal:access_request_detail", args=[access.pk]),
            "days": AccessRequest.KEEP_DAYS,
        },
        log_ref=f"privacy.access:{access.pk}",
    )


def release_stale_access_requests(*, now: datetime | None = None) -> jobs.Released:
    """Requests whose worker stopped: queued again, or after jobs.MAX_ATTEMPTS failed (the periodic
    command calls this). Side effects: "privacy.access.worker_lost" on each request it changed."""
    # A cycle: koppel.privacy.tasks imports this module (run_access_request).
    from koppel.privacy.tasks import run_access_request_job

    return jobs.release_stale_jobs(
        AccessRequest,
        task=run_access_request_job,
        error=WORKER_LOST_ERROR,
        reset={"progress": 0},
        action="privacy.access.worker_lost",
        now=now,
    )


# --- Downloading and cleaning up -----------------------------------------------------------------


def record_download(access: AccessRequest, *, by: User, staff: bool) -> None:
    """Note a download of the archive. Side effects: "privacy.access.downloaded" in the activity
    log; the first download's time on the request; a staff download also in the subject's access
    log (a copy of the whole file is a read of it)."""
    if access.status != AccessStatus.DONE or access.content is None:
        raise DomainError(_("This archive is not available."))
    with transaction.atomic():
        AccessRequest.objects.filter(pk=access.pk, downloaded_at=None).update(downloaded_at=timezone.now())
        log_action(access, "privacy.access.downloaded", by=by, data={"staff": staff})
        if staff:
            log_access(access.subject, by=by, page="staff:access_request_download")


def expire_access_archives(*, now: datetime) -> int:
    """Wipe the archives whose download period ended (the periodic command calls this); the request
    rows stay as the record that the request was made and answered. Side effects:
    "privacy.access.expired" on each. Returns how many."""
    done = AccessRequest.objects.filter(status=AccessStatus.DONE, expires_at__lt=now)
    ids = list(done.values_list("pk", flat=True))
    expired = 0
    for pk in ids:
        with transaction.atomic():
            changed = AccessRequest.objects.filter(pk=pk, status=AccessStatus.DONE).update(
                status=AccessStatus.EXPIRED, content=None
            )
            if changed:
                log_action(AccessRequest(pk=pk), "privacy.access.expired", by=None)
                expired += changed
    return expired
