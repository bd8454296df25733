"""Worklist sections about the agreement: matches still waiting for consent (AGR-1)."""

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from koppel.matches.enums import MatchState
from koppel.matches.models import Agreement, Consent, Match
from koppel.policy import roles_of
from koppel.staff.worklist.spec import Spec


def _count_on_latest(given: bool | None) -> Subquery:
    """The number of consents (all, or only those given) on the match's latest agreement."""
    latest = Agreement.objects.filter(match=OuterRef(OuterRef("pk"))).order_by("-number").values("pk")[:1]
    consents = Consent.objects.filter(agreement_id=Subquery(latest))
    if given is not None:
        consents = consents.filter(given_at__isnull=not given)
    return Subquery(
        consents.order_by().values("agreement_id").annotate(n=Count("pk")).values("n")[:1],
        output_field=IntegerField(),
    )


def consent_pending(user) -> QuerySet[Match]:
    """Agreed or active matches whose latest agreement still waits for at least one consent."""
    return (
        Match.objects.filter(
            programme_id__in=roles_of(user).staff_programme_ids,
            state__in=[MatchState.AGREED, MatchState.ACTIVE],
        )
        .annotate(
            consents_total=Coalesce(_count_on_latest(None), 0),
            consents_pending=Coalesce(_count_on_latest(False), 0),
        )
        .filter(~Q(consents_pending=0))
        .order_by("agreed_on", "id")
    )


SECTIONS: list[Spec] = [
    Spec(
        "consent_pending",
        gettext_lazy("Consent pending"),
        "AGR-1",
        consent_pending,
        lambda m: (
            _("%(given)s of %(total)s consents")
            % {"given": m.consents_total - m.consents_pending, "total": m.consents_total}
        ),
        person=lambda m: m,
        related=("programme", "youth"),
        name=lambda m: m.youth.full_name,
        url=lambda m: reverse("staff:match_agreement", args=[m.pk]),
    ),
]
