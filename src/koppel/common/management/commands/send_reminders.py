"""`koppel send_reminders`: the one periodic command for reminders (run by a timer every few minutes).

It queues again the match rounds and exports whose worker stopped, or gives them up after a few
attempts (common/domain/jobs.py),
plans the surveys that fell due, closes those whose window ended and cancels those that no longer
apply (surveys/domain/delivery.py),
removes finished exports older than a week (reports/domain/jobs.py) and rate-limit counters of
windows that ended (common/domain/ratelimit.py),
releases reminders whose worker died, proposes the reminders due now (idempotently), claims each
due reminder in the database and hands it to a background task (`koppel worker` sends it), or sends
it at once with --inline. See docs/architecture.md, "Background work".
"""

from django.core.management.base import BaseCommand

from koppel.common.domain.ratelimit import delete_old_rate_windows
from koppel.common.domain.reminders import (
    claim_due_reminders,
    propose_reminders,
    release_stuck_reminders,
    send_claimed_reminder,
    worker_id,
)


class Command(BaseCommand):
    help = "Propose the reminders that are due, claim them and send them (or queue them for the worker)."

    def add_arguments(self, parser):
        parser.add_argument("--inline", action="store_true", help="send in this process, not via the worker")
        parser.add_argument("--no-propose", action="store_true", help="only send what is already due")
        parser.add_argument("--no-plan", action="store_true", help="do not plan or expire surveys")
        parser.add_argument("--limit", type=int, default=500, help="claim at most this many reminders")

    def handle(self, *args, inline=False, no_propose=False, no_plan=False, limit=500, **options):
        from django.utils import timezone

        from koppel.common.tasks import send_reminder
        from koppel.matches.domain.rounds import release_stale_rounds
        from koppel.reports.domain.jobs import delete_old_exports, release_stale_exports
        from koppel.surveys.domain.delivery import (
            cancel_outdated_assignments,
            expire_assignments,
            plan_assignments,
        )

        worker = worker_id()
        # First the jobs whose worker stopped: queued again, so a worker takes them up within minutes.
        rounds = release_stale_rounds()
        exports = release_stale_exports()
        planned = expired = cancelled = 0
        if not (no_plan or no_propose):
            today = timezone.localdate()
            expired = expire_assignments(today=today)
            cancelled = cancel_outdated_assignments()
            planned = plan_assignments(today=today)
        # Finished exports are kept for ExportJob.KEEP_DAYS days, then removed.
        removed_exports = delete_old_exports(now=timezone.now())
        removed_windows = delete_old_rate_windows(now=timezone.now())
        released = release_stuck_reminders()
        created = {} if no_propose else propose_reminders()
        claimed = claim_due_reminders(worker=worker, limit=limit)
        statuses: dict[str, int] = {}
        for reminder_id in claimed:
            if inline:
                status = send_claimed_reminder(reminder_id, worker=worker)
                statuses[status] = statuses.get(status, 0) + 1
            else:
                send_reminder.enqueue(reminder_id, worker)
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"Worker stopped: match rounds queued again {len(rounds.requeued)}, given up "
                f"{len(rounds.failed)}; exports queued again {len(exports.requeued)}, given up "
                f"{len(exports.failed)}."
            )
            proposed = ", ".join(f"{kind} {n}" for kind, n in sorted(created.items())) or "none"
            self.stdout.write(
                f"Surveys planned {planned}, expired {expired}, cancelled {cancelled}; "
                f"old exports removed {removed_exports}, old rate-limit windows removed {removed_windows}."
            )
            self.stdout.write(f"Released {released}; proposed: {proposed}; claimed {len(claimed)}.")
            if inline:
                self.stdout.write(
                    ", ".join(f"{s} {n}" for s, n in sorted(statuses.items())) or "Nothing sent."
                )
