"""`koppel send_reminders`: the one periodic command for reminders (run by a timer every few minutes).

It queues again the match rounds and exports whose worker stopped, or gives them up after a few
attempts (common/domain/jobs.py),
plans the surveys that fell due, closes those whose window ended and cancels those that no longer
apply (surveys/domain/delivery.py),
removes finished exports older than a week (reports/domain/jobs.py), queues again the subject
access archives whose worker stopped and wipes those past their download period
(privacy/domain/access.py), and removes rate-limit counters of
windows that ended (common/domain/ratelimit.py),
purges audit-log rows past the retention period (common/domain/retention.py), previews and applies
every organisation's retention schedule (privacy/domain/retention.py),
flags the youth who turned 16 and gives them their own access (privacy/domain/coming_of_age.py;
once per youth, so running it every few minutes does what a daily run would),
releases reminders and mails whose run died (their lease of a few minutes ran out), proposes the
reminders due now (idempotently), claims the due reminders one at a time and renders each into the
outbox, delivers the outbox mail that is due and has no task coming for it (a retry after its
back-off, a worker that was down; with --inline all of it, for a small install without a worker),
and removes old sent mail (common/domain/mail.py).
While a restore runs (the maintenance flag, common/maintenance.py) it does nothing.
It lives in its own app above the data apps because it calls into each of them; the reminder kinds
it proposes and sends are each app's own (koppel.common.domain.reminders.register_reminder_kinds).
See docs/architecture.md, "Background work".
"""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from koppel.common.domain.mail import deliver_due_mail, purge_old_mail, release_expired_mail_claims
from koppel.common.domain.ratelimit import delete_old_rate_windows
from koppel.common.domain.reminders import (
    claim_next_reminder,
    propose_reminders,
    release_stuck_reminders,
    send_claimed_reminder,
    worker_id,
)
from koppel.common.domain.retention import purge_logs, retention_cutoff
from koppel.common.maintenance import under_maintenance
from koppel.matches.domain.rounds import release_stale_rounds
from koppel.privacy.domain.access import expire_access_archives, release_stale_access_requests
from koppel.privacy.domain.coming_of_age import flag_youth_turned_sixteen
from koppel.privacy.domain.retention import apply_retention, preview_retention
from koppel.programmes.models import Organisation
from koppel.reports.domain.jobs import delete_old_exports, release_stale_exports
from koppel.surveys.domain.delivery import cancel_outdated_assignments, expire_assignments, plan_assignments


class Command(BaseCommand):
    help = "Propose the reminders that are due, queue them in the outbox and deliver the mail that is due."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--inline",
            action="store_true",
            help="deliver all due mail in this process too, not only what the worker will not",
        )
        parser.add_argument("--no-propose", action="store_true", help="only send what is already due")
        parser.add_argument("--no-plan", action="store_true", help="do not plan or expire surveys")
        parser.add_argument("--limit", type=int, default=500, help="handle at most this many reminders")

    def handle(
        self,
        *args: Any,
        inline: bool = False,
        no_propose: bool = False,
        no_plan: bool = False,
        limit: int = 500,
        **options: Any,
    ) -> None:
        if under_maintenance():
            # A restore is running: the database may still hold people it will erase again.
            self.stdout.write("Maintenance (a restore is running): nothing done.")
            return
        worker = worker_id()
        # First the jobs whose worker stopped: queued again, so a worker takes them up within minutes.
        rounds = release_stale_rounds()
        exports = release_stale_exports()
        archives = release_stale_access_requests()
        planned = expired = cancelled = 0
        if not (no_plan or no_propose):
            today = timezone.localdate()
            expired = expire_assignments(today=today)
            cancelled = cancel_outdated_assignments()
            planned = plan_assignments(today=today)
        # UAVG art. 5: before the reminders, so an invitation goes out with this run's mail.
        turned = flag_youth_turned_sixteen(today=timezone.localdate())
        # Finished exports are kept for ExportJob.KEEP_DAYS days, then removed.
        removed_exports = delete_old_exports(now=timezone.now())
        # Access archives can be downloaded for AccessRequest.KEEP_DAYS days after they are ready.
        expired_archives = expire_access_archives(now=timezone.now())
        removed_windows = delete_old_rate_windows(now=timezone.now())
        purged_logs = purge_logs(before=retention_cutoff())
        # The retention schedule: what qualifies today joins the preview; what has been in it for the
        # notice period (RETENTION_NOTICE_DAYS) and still qualifies is purged.
        retained: dict[str, int] = {}
        for organisation in Organisation.objects.order_by("pk"):
            preview_retention(organisation, today=timezone.localdate())
            for rule, n in apply_retention(organisation, today=timezone.localdate()).items():
                retained[rule] = retained.get(rule, 0) + n
        released = release_stuck_reminders()
        released_mail = release_expired_mail_claims()
        # Mail due by now has no task coming for it (a retry, a worker that stopped: released just
        # now); the mail this run queues below has.
        started = timezone.now()
        created = {} if no_propose else propose_reminders()
        statuses: dict[str, int] = {}
        # One reminder at a time: a run that dies holds at most one.
        while sum(statuses.values()) < limit and (reminder_id := claim_next_reminder(worker=worker)):
            status = send_claimed_reminder(reminder_id, worker=worker)
            statuses[status] = statuses.get(status, 0) + 1
        # --inline: the mail queued just now as well, for an install without a worker.
        delivered = deliver_due_mail(worker=worker, before=None if inline else started)
        purged = purge_old_mail()
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"Worker stopped: match rounds queued again {len(rounds.requeued)}, given up "
                f"{len(rounds.failed)}; exports queued again {len(exports.requeued)}, given up "
                f"{len(exports.failed)}; access archives queued again {len(archives.requeued)}, given "
                f"up {len(archives.failed)}."
            )
            proposed = ", ".join(f"{kind} {n}" for kind, n in sorted(created.items())) or "none"
            self.stdout.write(
                f"Surveys planned {planned}, expired {expired}, cancelled {cancelled}; "
                f"old exports removed {removed_exports}, access archives expired {expired_archives}, "
                f"old rate-limit windows removed {removed_windows}."
            )
            self.stdout.write(
                f"Released reminders {released}, mails {released_mail}; proposed: {proposed}; "
                f"reminders: " + (", ".join(f"{s} {n}" for s, n in sorted(statuses.items())) or "none") + "."
            )
            self.stdout.write(
                "Mail delivered: "
                + (", ".join(f"{s} {n}" for s, n in sorted(delivered.items())) or "none")
                + f"; old mail removed {purged}."
            )
            self.stdout.write(f"Audit-log rows past retention purged {purged_logs}.")
            self.stdout.write(
                f"Youth turned 16: {len(turned.youth)}, parents' consents to confirm {turned.consents}, "
                f"invited {len(turned.invited)}, without own access {len(turned.needs_access)}."
            )
            self.stdout.write(
                "Retention applied: "
                + (", ".join(f"{r} {n}" for r, n in sorted(retained.items())) or "none")
                + "."
            )
