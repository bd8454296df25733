"""Recruitment queries (REC-1..3): who may see which campaign, which campaigns are open, and the
funnel of applicants per campaign, counted in the database."""

from datetime import date

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from koppel.people.domain.roles import AnyUser, roles_of
from koppel.people.enums import MentorStatus
from koppel.people.models import Campaign, Mentor, PipelineEvent

S = MentorStatus

# REC-3: the stages of the funnel. A mentor counts at a stage when they are there now or a later
# status implies they passed it, or when a pipeline step ever took them there (a mentor who was
# matched and then withdrew still counts as matched).
FUNNEL_STAGES: dict[str, frozenset[str]] = {
    "screened": frozenset({S.APPROVED, S.READY, S.MATCHED, S.PAUSED}),
    "ready": frozenset({S.READY, S.MATCHED}),
    "matched": frozenset({S.MATCHED}),
}
FUNNEL_KEYS = ("applied", *FUNNEL_STAGES)


def campaigns_visible_to(user: AnyUser) -> QuerySet[Campaign]:
    """Staff see the campaigns of their programmes; nobody else sees any."""
    return Campaign.objects.filter(programme_id__in=roles_of(user).staff_programme_ids)


def open_campaigns(today: date | None = None) -> QuerySet[Campaign]:
    """Campaigns whose public link takes applications today."""
    today = today or timezone.localdate()
    return Campaign.objects.filter(
        Q(starts_on__isnull=True) | Q(starts_on__lte=today),
        Q(ends_on__isnull=True) | Q(ends_on__gte=today),
        is_active=True,
    )


def reached(stage: str) -> Q:
    """REC-3: the mentor is at `stage` or beyond now, or a pipeline step ever took them there."""
    statuses = FUNNEL_STAGES[stage]
    ever = Exists(PipelineEvent.objects.filter(mentor=OuterRef("pk"), to_status__in=statuses))
    return Q(status__in=statuses) | Q(ever)


def _count_applicants(condition: Q | None) -> Coalesce:
    applicants = Mentor.objects.filter(campaign=OuterRef("pk"))
    if condition is not None:
        applicants = applicants.filter(condition)
    return Coalesce(
        Subquery(
            applicants.order_by().values("campaign").annotate(n=Count("pk")).values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


def with_funnel(campaigns: QuerySet[Campaign]) -> QuerySet[Campaign]:
    """Annotate each campaign with n_applied, n_screened, n_ready and n_matched (one query)."""
    return campaigns.annotate(
        n_applied=_count_applicants(None),
        **{f"n_{stage}": _count_applicants(reached(stage)) for stage in FUNNEL_STAGES},
    )


def campaign_funnel(campaign: Campaign) -> dict[str, int]:
    """REC-3: how many of a campaign's applicants applied, got screened, became ready and matched."""
    return Mentor.objects.filter(campaign=campaign).aggregate(
        applied=Count("pk"),
        **{stage: Count("pk", filter=reached(stage)) for stage in FUNNEL_STAGES},
    )
