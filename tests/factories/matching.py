"""factory_boy factories for match rounds (MAT-1..6)."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from koppel.matches.enums import PairRuleKind, RoundStatus
from koppel.matches.models import MatchRound, PairRule, PostcodeArea, RoundProposal, RoundUnmatched
from koppel.training.models import ExternalHours
from tests.factories import MentorFactory, ProgrammeFactory, YouthFactory


class TrainedMentorFactory(MentorFactory):
    """A mentor ready to match with enough training hours (TRN-1: 6 hours recorded, a year ago, so they
    came before any match a test gives the mentor)."""

    class Meta:
        skip_postgeneration_save = True

    @factory.post_generation
    def hours(self, create, extracted, **kwargs):
        if create:
            ExternalHours.objects.create(
                mentor=self,
                date=timezone.localdate() - timedelta(days=365),
                hours=extracted or Decimal("6"),
                kind="self_study",
            )


class WaitingYouthFactory(YouthFactory):
    """A youth on the waiting list (since 30 days)."""

    status = "waiting"
    waiting_since = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))


class PostcodeAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PostcodeArea
        django_get_or_create = ("postcode",)

    postcode = "3072"
    name = "Afrikaanderwijk"
    latitude = Decimal("51.89800")
    longitude = Decimal("4.49600")


class MatchRoundFactory(factory.django.DjangoModelFactory):
    """A finished round (no proposals unless added)."""

    class Meta:
        model = MatchRound

    programme = factory.SubFactory(ProgrammeFactory)
    status = RoundStatus.DONE
    progress = 1.0
    stage = "done"
    finished_at = factory.LazyFunction(timezone.now)


class RoundProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoundProposal
        skip_postgeneration_save = True

    round = factory.SubFactory(MatchRoundFactory)
    youth = factory.SubFactory(WaitingYouthFactory, programme=factory.SelfAttribute("..round.programme"))
    rank = factory.Sequence(lambda n: n + 1)
    score = 0.72
    factors = factory.LazyFunction(lambda: {"wishes": 0.3, "interests": 0.2, "distance": 0.22})

    @factory.post_generation
    def mentors(self, create, extracted, **kwargs):
        if create:
            self.mentors.set(extracted or [TrainedMentorFactory(programme=self.round.programme)])


class RoundUnmatchedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoundUnmatched

    round = factory.SubFactory(MatchRoundFactory)
    youth = factory.SubFactory(WaitingYouthFactory, programme=factory.SelfAttribute("..round.programme"))
    reason = "required_language"
    codes = factory.LazyFunction(lambda: ["required_language"])
    params = factory.LazyFunction(lambda: {"language": "ar"})


class PairRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PairRule

    programme = factory.SubFactory(ProgrammeFactory)
    youth = factory.SubFactory(WaitingYouthFactory, programme=factory.SelfAttribute("..programme"))
    mentor = factory.SubFactory(TrainedMentorFactory, programme=factory.SelfAttribute("..programme"))
    kind = PairRuleKind.EXCLUDE
