"""The mentor's own portal pages: training hours (TRN-1, TRN-2) and support contacts (SUP-1)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from koppel.matches.enums import ContactWith
from koppel.matches.models import SupportContact
from koppel.training.models import ExternalHours

pytestmark = pytest.mark.django_db


def test_training_page_shows_own_hours_and_this_month__TRN_2(cast, client_for):
    ExternalHours.objects.create(
        mentor=cast.mentor_row, date=timezone.localdate(), hours=Decimal("1.5"), kind="self_study"
    )
    ExternalHours.objects.create(
        mentor=cast.other_mentor_row, date=timezone.localdate(), hours=Decimal("4"), kind="self_study"
    )
    response = client_for(cast.mentor).get(reverse("portal:training"))
    assert response.context["month_total"] == Decimal("1.5")
    assert [e.hours for e in response.context["entries"]] == [Decimal("1.5")]


def test_support_page_lists_own_contacts_without_the_coordinators_notes__SUP_1(cast, client_for):
    SupportContact.objects.create(
        match=cast.match,
        held_on=timezone.localdate() - timedelta(days=3),
        with_whom=ContactWith.MENTOR,
        mentor=cast.mentor_row,
        channel="phone",
        topics=["safety"],
        notes="Vertrouwelijke notitie van de coördinator",
    )
    response = client_for(cast.mentor).get(
        reverse("portal:support_contacts"), headers={"accept-language": "en"}
    )
    page = response.content.decode()
    assert "Vertrouwelijke notitie" not in page
    assert len(response.context["history"]) == 1
    (match, status) = response.context["rows"][0]
    assert match == cast.match
    assert status.next_due is not None
    other = client_for(cast.other_mentor).get(reverse("portal:support_contacts"))
    assert other.context["history"] == []
