"""The retention pages (administrators only) and the periodic command that runs the schedule."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from koppel.common.dates import add_months
from koppel.common.models import ActivityLog
from koppel.matches.models import MeetingLog
from koppel.people.models import Mentor
from koppel.privacy.domain.retention import SCHEDULE, preview_retention
from koppel.privacy.enums import RetentionRule
from koppel.privacy.models import RetentionOverride, RetentionPreviewItem, RetentionRun
from tests import factories as f
from tests.conftest import enrol_mfa
from tests.factories.meeting import MeetingLogFactory
from tests.privacy.retention_helpers import closed_match

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme():
    return f.ProgrammeFactory()


@pytest.fixture
def admin(programme, client):
    user = f.AdministratorFactory(organisation=programme.organisation, user__language="en").user
    enrol_mfa(user)
    client.force_login(user)
    return user


def page(client, name, *args, **kwargs):
    return client.get(reverse(name, args=args), **kwargs)


def test_the_page_lists_every_rule_with_its_default_reason_and_the_organisations_change(
    admin, client, programme
):
    RetentionOverride.objects.create(
        organisation=programme.organisation,
        rule=RetentionRule.MATCH_RECORDS,
        months=36,
        reason="Afspraak met de gemeente",
        changed_by=admin,
    )
    response = page(client, "staff:privacy_retention")
    text = response.content.decode()
    for rule in SCHEDULE.values():
        assert escape(str(rule.code.label)) in text and escape(str(rule.reason)) in text
    assert "36 months" in text and "Afspraak met de gemeente" in text and "24 months" in text
    assert reverse("staff:privacy_retention_edit", args=["match_records"]) in text
    assert reverse("staff:privacy_retention_edit", args=["disqualification"]) not in text


def test_the_preview_says_when_the_first_items_go(admin, client, programme, settings):
    settings.RETENTION_NOTICE_DAYS = 14
    mentor = f.MentorFactory(programme=programme)
    today = timezone.localdate()
    RetentionPreviewItem.objects.create(
        organisation=programme.organisation,
        rule=RetentionRule.VOG_FACTS,
        content_type=ContentType.objects.get_for_model(Mentor),
        object_id=mentor.pk,
        since=today - timedelta(days=200),
        first_previewed_on=today - timedelta(days=3),
        last_previewed_on=today,
    )
    from koppel.common.formatting import day

    text = page(client, "staff:privacy_retention").content.decode()
    assert day(today + timedelta(days=11)) in text
    items = page(client, "staff:privacy_retention_items", "vog_facts").content.decode()
    assert f"#{mentor.pk}" in items and mentor.last_name not in items


def test_making_the_preview_from_the_page(admin, client, programme):
    response = client.post(reverse("staff:privacy_retention_preview"))
    assert response.status_code == 302
    run = RetentionRun.objects.get(organisation=programme.organisation)
    assert run.kind == RetentionRun.Kind.PREVIEW and run.by == admin


def test_a_bad_period_re_renders_the_form_with_what_was_typed(admin, client):
    url = reverse("staff:privacy_retention_edit", args=["vog_facts"])
    response = client.post(url, {"months": "0", "reason": "Omdat het moet", "expected_version": "0"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "at least 1 month" in text and "Omdat het moet" in text
    assert not RetentionOverride.objects.exists()
    response = client.post(url, {"months": "9", "reason": "", "expected_version": "0"})
    assert response.status_code == 200 and not RetentionOverride.objects.exists()


def test_a_stale_version_is_refused_and_the_form_keeps_the_typing(admin, client, programme):
    url = reverse("staff:privacy_retention_edit", args=["account"])
    response = client.post(url, {"months": "6", "reason": "Eerste keer", "expected_version": "0"})
    assert response.status_code == 302
    override = RetentionOverride.objects.get()
    assert (override.months, override.reason, override.changed_by) == (6, "Eerste keer", admin)
    assert ActivityLog.objects.filter(
        action="privacy.retention.period_changed", object_id=override.pk
    ).exists()
    response = client.post(url, {"months": "12", "reason": "Tweede keer", "expected_version": "0"})
    assert response.status_code == 200
    assert "Someone else changed this record" in response.content.decode()
    assert "Tweede keer" in response.content.decode()
    assert RetentionOverride.objects.get().months == 6


def test_a_period_set_elsewhere_has_no_edit_page(admin, client):
    for rule in ("logs", "surveys", "disqualification", "nonsense"):
        assert page(client, "staff:privacy_retention_edit", rule).status_code == 404


def test_the_item_list_takes_the_same_queries_at_one_and_many_rows(admin, client, programme, settings):
    settings.PAGE_SIZE = 25
    mentor_type = ContentType.objects.get_for_model(Mentor)
    today = timezone.localdate()

    def add(n):
        RetentionPreviewItem.objects.bulk_create(
            RetentionPreviewItem(
                organisation=programme.organisation,
                rule=RetentionRule.VOG_FACTS,
                content_type=mentor_type,
                object_id=f.MentorFactory(programme=programme).pk,
                since=today,
                first_previewed_on=today,
                last_previewed_on=today,
            )
            for _ in range(n)
        )

    url = reverse("staff:privacy_retention_items", args=["vog_facts"])
    add(1)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    add(39)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.content.decode().count("<tr><td>") == 25
    assert len(many) == len(one)


def test_the_periodic_command_previews_and_purges_every_organisation(programme):
    other = f.ProgrammeFactory()
    today = timezone.localdate()
    youth = f.YouthFactory(programme=programme)
    match = closed_match(youth, [f.MentorFactory(programme=programme)], ended_on=add_months(today, -30))
    MeetingLogFactory(match=match, note="Naar het museum")
    # In the preview for the notice period already (made by an earlier run).
    preview_retention(programme.organisation, today=today - timedelta(days=14))
    out = StringIO()
    call_command("send_reminders", "--no-propose", stdout=out)
    assert MeetingLog.objects.get(match=match).note == ""
    assert "Retention applied: match_records 1." in out.getvalue()
    for organisation in (programme.organisation, other.organisation):
        kinds = set(RetentionRun.objects.filter(organisation=organisation).values_list("kind", flat=True))
        assert kinds == {"preview", "purge"}
