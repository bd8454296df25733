"""factory_boy factories for the support schedule and contacts (SUP-1, SUP-2)."""

from datetime import date

import factory

from koppel.matches.enums import ContactChannel, ContactWith
from koppel.matches.models import SupportContact
from tests.factories import GuardianshipFactory, MatchFactory, MentorFactory, YouthFactory


def started_match(started_on: date, *, programme=None, youth=None, guardian: bool = True, **kwargs):
    """An active match with one mentor, started on `started_on`; its youth has a guardian unless
    `guardian=False`."""
    if youth is None:
        youth = YouthFactory(**({"programme": programme} if programme is not None else {}))
    if guardian:
        GuardianshipFactory(youth=youth)
    mentors = kwargs.pop("mentors", None) or [MentorFactory(programme=youth.programme)]
    return MatchFactory(youth=youth, started_on=started_on, mentors=mentors, **kwargs)


class SupportContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportContact

    match = factory.SubFactory(MatchFactory)
    held_on = factory.LazyFunction(date.today)
    with_whom = ContactWith.MENTOR
    channel = ContactChannel.PHONE
    topics = factory.LazyFunction(lambda: ["attention"])
    notes = "Gaat goed, samen naar de bibliotheek geweest."
