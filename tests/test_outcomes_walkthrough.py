"""Outcomes and reports, walked through the real pages as each person would in the browser.

The coordinator adds the default survey schedules; the periodic command plans a waiting youth's
baseline survey and mails the personal link; the youth answers it on that link item by item (saved
as they go with HTMX), leaves, comes back to the saved answers and sends. A mentor three months into
a match answers the relationship-quality survey in the portal with low trust: the coordinator's
worklist asks for an extra support contact (OUT-4) until one is logged. The coordinator sees the
surveys on the dashboard and in the outcomes report, and downloads the programme report as PDF and
Excel. Throughout, the youth's substance-use answers stay out of reach of the mentor and the
guardian, and the coordinator's reading of them is in the access log.

Only the people, the match and the passing of time are arranged with factories; everything else
goes through the pages and the `send_reminders` command.
"""

import io
import re
from datetime import date, timedelta
from html import unescape

import openpyxl
import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from koppel.common.domain.audit import access_log_of
from koppel.matches.domain.closure import add_months
from koppel.matches.enums import ContactWith, MatchState
from koppel.reports.domain.exports import sheet_names
from koppel.surveys.enums import AssignmentStatus, Respondent
from koppel.surveys.models import Answer, Assignment, QualityAlert
from tests import factories as f
from tests.factories.matching import WaitingYouthFactory
from tests.test_match_lifecycle_walkthrough import submit

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LINK = re.compile(r"https?://[^\s]+?(/link/survey/[^/\s]+/)")
HX = {"HTTP_HX_REQUEST": "true"}
NONE = "\N{EN DASH}"  # an empty cell in a report table
# What a substance-use answer looks like on a page: the question and the chosen answer's label.
SUBSTANCE_TEXTS = ("how often did you drink alcohol", "how often did you use drugs", "More than 10 times")


def _send_reminders():
    call_command("send_reminders", "--inline", verbosity=0)


def _items_by_key(page) -> dict:
    """The answer page's items (key -> field name), as the form rendered them."""
    form = page.context["form"]
    return {item.key: form.name_of(item) for item in form.items}


def _worklist_alerts(client) -> list:
    page = client.get(reverse("staff:worklist"))
    assert page.status_code == 200
    sections = [s for s in page.context["sections"] if s.key == "quality_alerts"]
    return sections[0].items if sections else []


def _forms_posting_to(html: str, action: str) -> list[dict]:
    """Every form on the page that posts to `action`, as the fields a browser would submit."""
    found = []
    for attrs, body in re.findall(r"<form([^>]*)>(.*?)</form>", html, re.S):
        if f'action="{action}"' not in attrs:
            continue
        fields = {}
        for tag in re.findall(r"<input[^>]*>", body):
            name = re.search(r'name="([^"]*)"', tag)
            value = re.search(r'value="([^"]*)"', tag)
            if name:
                fields[name.group(1)] = unescape(value.group(1)) if value else ""
        found.append(fields)
    return found


def _table_on_page(html: str, key: str) -> list[list[str]]:
    """The rows of a report table as the page shows them (cell texts), found by its id."""
    found = re.search(rf'<table[^>]*id="table-{key}".*?<tbody>(.*?)</tbody>', html, re.S)
    assert found, f"no table {key} on the page"
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", found.group(1), re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        rows.append([unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in cells])
    return rows


def _export(staff, page_url: str, report: str, fmt: str, django_capture_on_commit_callbacks):
    """Press the report page's export button for (report, format); follow to the job; download."""
    page = staff.get(page_url)
    assert page.status_code == 200
    buttons = [
        b
        for b in _forms_posting_to(page.text, reverse("staff:export_request"))
        if b.get("report") == report and b.get("format") == fmt
    ]
    assert buttons, f"no export button {report}.{fmt} on {page_url}"
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(reverse("staff:export_request"), buttons[0])
    assert response.status_code == 302
    detail_url = response["Location"]
    assert detail_url.startswith("/") and "/exports/" in detail_url
    detail = staff.get(detail_url)
    assert detail.status_code == 200
    job = detail.context["job"]
    assert job.status == "done", job.error
    download_url = reverse("staff:export_download", args=[job.pk])
    assert download_url in detail.text
    download = staff.get(download_url)
    assert download.status_code == 200
    return download


def test_surveys_from_link_to_worklist_dashboard_and_exports(
    cast, client_for, django_capture_on_commit_callbacks
):
    cast.coordinator.language = "en"
    cast.coordinator.save()
    staff = client_for(cast.coordinator)
    programme = cast.programme

    # 0. The coordinator gives the programme the default survey schedules (OUT-1, OUT-2, OUT-4).
    schedules_url = reverse("staff:programme_survey_schedules", args=[programme.pk])
    page = staff.get(schedules_url)
    assert page.status_code == 200
    assert 'name="defaults"' in page.text
    response = staff.post(schedules_url, {"defaults": "1"}, follow=True)
    assert response.redirect_chain[-1][0] == schedules_url
    assert "The default schedules were added." in [str(m) for m in response.context["messages"]]
    schedules = list(response.context["schedules"])
    assert {(s.respondent, s.moment) for s in schedules} >= {
        (Respondent.YOUTH, "baseline"),
        (Respondent.GUARDIAN, "baseline"),
        (Respondent.MENTOR, "during"),
    }

    # The people: a youth of 17 on the waiting list since yesterday (old enough for their own
    # link), with a mother who has parental authority; a mentor three months into a match.
    youth = WaitingYouthFactory(
        programme=programme,
        coordinator=cast.coordinator,
        first_name="Noor",
        date_of_birth=date(TODAY.year - 17, 1, 1),
        waiting_since=TODAY - timedelta(days=1),
        email="noor@example.org",
        preferred_language="en",
    )
    mother = f.GuardianFactory(
        organisation=programme.organisation,
        email="mother@example.org",
        user=f.UserFactory(email="mother@example.org", language="en"),
    )
    f.GuardianshipFactory(youth=youth, guardian=mother, has_parental_authority=True)
    mentor = f.MentorFactory(
        programme=programme,
        status="matched",
        coordinator=cast.coordinator,
        user=f.UserFactory(email="sanne@example.org", language="en"),
    )
    match = f.MatchFactory(
        programme=programme,
        youth=f.YouthFactory(programme=programme, status="matched", coordinator=cast.coordinator),
        state=MatchState.ACTIVE,
        started_on=add_months(TODAY, -3),
        mentors=[mentor],
    )

    # 1. The periodic command plans the baseline and mails the youth their personal link.
    _send_reminders()
    baseline = Assignment.objects.get(youth=youth, respondent=Respondent.YOUTH, moment="baseline")
    assert baseline.status == AssignmentStatus.OPEN
    assert Assignment.objects.filter(youth=youth, guardian=mother, moment="baseline").exists()
    to_youth = [m for m in mail.outbox if m.to == ["noor@example.org"]]
    assert len(to_youth) == 1
    assert "You are invited" in to_youth[0].body
    found = LINK.search(to_youth[0].body)
    assert found, to_youth[0].body
    link = found.group(1)
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert link == reverse("links:survey", args=[token])

    # The youth opens the link on their phone, without an account.
    phone = client_for(None)
    page = phone.get(link)
    assert page.status_code == 200
    assert "How are you doing?" in page.text
    assert 'name="viewport" content="width=device-width' in page.text
    items = _items_by_key(page)
    save_url = reverse("links:survey_save", args=[token])
    assert f'hx-post="{save_url}"' in page.text
    assert "0 of 18 questions answered." in page.text

    # Item by item, each answer saved as it is given (HTMX).
    first_answers = {"school-1": "4", "school-2": "2", "substances-1": "5", "substances-3": "5"}
    for key, value in first_answers.items():
        saved = phone.post(save_url, {items[key]: value}, **HX)
        assert saved.status_code == 200
        assert "Saved" in saved.text
    assert Answer.objects.filter(assignment=baseline).count() == 4

    # A value that is not on the scale is refused with a clear message, and not saved.
    refused = phone.post(save_url, {items["school-3"]: "9"}, **HX)
    assert "not one of the choices" in refused.text
    assert Answer.objects.filter(assignment=baseline).count() == 4

    # The youth leaves; later the same link, in a new browser session, first asks their date of
    # birth (the saved answers include alcohol and drugs), then opens with the answers given so far.
    phone = client_for(None)
    check = phone.get(link)
    assert check.status_code == 200
    assert "questions answered" not in check.text
    assert 'name="date_of_birth"' in check.text
    passed = phone.post(link, {"second_check": "1", "date_of_birth": youth.date_of_birth.isoformat()})
    assert passed.status_code == 302
    page = phone.get(link)
    assert page.status_code == 200
    assert "4 of 18 questions answered." in page.text
    form = page.context["form"]
    for key, value in first_answers.items():
        assert str(form[items[key]].value()) == value
        assert re.search(rf'name="{items[key]}" value="{value}"[^>]*checked', page.text)

    # The rest, and send.
    rest = {name: "3" for key, name in items.items() if key not in first_answers}
    for name in list(rest)[:-1]:
        assert "Saved" in phone.post(save_url, {name: rest[name]}, **HX).text
    last = list(rest)[-1]
    thanks = phone.post(link, {last: rest[last], "action": "send"})
    assert thanks.status_code == 200
    assert "Thank you" in thanks.text
    assert f"Your answers were sent to {programme.name}." in thanks.text
    baseline.refresh_from_db()
    assert baseline.status == AssignmentStatus.SUBMITTED
    assert Answer.objects.filter(assignment=baseline).count() == 18

    # The link shows the thank-you page again and takes no more changes.
    again = phone.get(link)
    assert again.status_code == 200
    assert "Thank you" in again.text
    assert 'type="radio"' not in again.text
    late = phone.post(save_url, {items["school-1"]: "1"}, **HX)
    assert Answer.objects.get(assignment=baseline, item__key="school-1").value == 4
    assert "Saved ✓" not in late.text
    phone.post(link, {items["school-1"]: "1", "action": "send"})
    assert Answer.objects.get(assignment=baseline, item__key="school-1").value == 4

    # 2. The same run planned the relationship-quality surveys of the three-month-old match (OUT-4).
    for_mentor = Assignment.objects.get(match=match, respondent=Respondent.MENTOR, months=3)
    assert for_mentor.mentor == mentor
    assert Assignment.objects.filter(match=match, respondent=Respondent.YOUTH, months=3).exists()
    mentor_portal = client_for(mentor.user)
    page = mentor_portal.get(reverse("portal:my_surveys"))
    assert page.status_code == 200
    assert [a.pk for a in page.context["surveys"]] == [for_mentor.pk]
    survey_url = reverse("portal:survey", args=[for_mentor.pk])
    assert survey_url in page.text
    page = mentor_portal.get(survey_url)
    assert page.status_code == 200
    items = _items_by_key(page)
    # Low trust: every trust item "not true at all" (trust-3 is reverse-scored: 1, 1, 5 -> 2.33);
    # the rest is fine.
    answers = {name: ("1" if key.startswith("trust") else "4") for key, name in items.items()}
    mentor_save = reverse("portal:survey_save", args=[for_mentor.pk])
    assert "Saved" in mentor_portal.post(mentor_save, {items["trust-1"]: "1"}, **HX).text
    response = mentor_portal.post(survey_url, {**answers, "action": "send"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("portal:my_surveys")
    assert "Thank you. Your answers were sent." in [str(m) for m in response.context["messages"]]
    for_mentor.refresh_from_db()
    assert for_mentor.status == AssignmentStatus.SUBMITTED

    # The coordinator's worklist asks for an extra support contact, with the reason.
    alert = QualityAlert.objects.get(match=match)
    entries = _worklist_alerts(staff)
    assert len(entries) == 1
    entry = entries[0]
    assert entry.url == reverse("staff:match_support", args=[match.pk])
    assert "Trust" in entry.note and "below 3.0" in entry.note and "(mentor)" in entry.note
    worklist = staff.get(reverse("staff:worklist")).text
    assert "Extra support contact" in worklist
    assert "below 3.0" in worklist

    # The dashboard counts the open request.
    dashboard_url = reverse("staff:dashboard")
    assert "Open extra-support requests after a low score or a sharp drop: 1." in (
        staff.get(dashboard_url).text
    )

    # The match's support page shows it; logging a support contact takes it off the worklist.
    support_url = reverse("staff:match_support", args=[match.pk])
    page = staff.get(support_url)
    assert reverse("staff:quality_alert_handle", args=[alert.pk]) in page.text
    assert "(OUT-4)" in page.text
    response = submit(
        staff,
        support_url,
        {
            "held_on": TODAY.isoformat(),
            "with_whom": ContactWith.MENTOR,
            "mentor": str(mentor.pk),
            "channel": "phone",
            "topics": ["attention"],
            "notes": "Talked about how to build trust.",
        },
        post_url=reverse("staff:match_support_add", args=[match.pk]),
    )
    assert response.status_code == 302
    assert response["Location"] == support_url
    assert _worklist_alerts(staff) == []
    assert reverse("staff:quality_alert_handle", args=[alert.pk]) not in staff.get(support_url).text

    # 3. The dashboard and the outcomes report; the programme report as PDF and Excel.
    page = staff.get(dashboard_url)
    assert page.status_code == 200
    text = page.text
    for key, title in (
        ("surveys", "Surveys due in the period"),
        ("relationship_quality", "Relationship quality"),
        ("outcome_baselines", "Baselines received per outcome domain"),
    ):
        assert f'id="block-{key}"' in text and title in text
    # Each survey sent, and whether it came back (counts and rates say nothing about the answers).
    surveys = _table_on_page(text, "surveys")
    assert ["How are you doing?", "Baseline (intake)", "Youth", "1", "1", "100.0", "0"] in surveys
    mentor_row = ["How is your match going?", "During the match, 3 months", "Mentor", "1", "1", "100.0", "0"]
    assert mentor_row in surveys
    guardian_row = ["How is your child doing?", "Baseline (intake)", "Parent or guardian"]
    guardian_row += ["1", "0", "0.0", "1"]
    assert guardian_row in surveys
    # The mentor's low trust counts, but a mean about one youth is suppressed (OUT-3 privacy).
    quality = {row[0]: row for row in _table_on_page(text, "relationship_quality")}
    assert quality["Trust"][3:] == ["hidden: fewer than 5 youth", "1"]
    assert "2.3" not in " ".join(quality["Trust"])
    assert "Open extra-support requests after a low score or a sharp drop: 0." in text
    baselines = {row[0]: row for row in _table_on_page(text, "outcome_baselines")}
    assert baselines["Alcohol and drug use"][1:] == ["1", "0", "0", "1"]
    outcomes = staff.get(reverse("staff:outcomes"))
    assert outcomes.status_code == 200
    for key in ("change_during_12", "change_by_length_during_12", "relationship", "survival"):
        assert f'id="table-{key}"' in outcomes.text
    # One mentor's three-month score: counted, but too few to show (small-group suppression).
    relationship = _table_on_page(outcomes.text, "relationship")
    hidden = "hidden: fewer than 5 youth"
    assert ["Trust", "Mentor", hidden, hidden, "0", NONE, "0", NONE] in relationship

    pdf = _export(staff, dashboard_url, "programme", "pdf", django_capture_on_commit_callbacks)
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")

    # The dashboard's tables as sheets; the programme report (dashboard and outcomes) from the
    # exports page's form.
    dashboard_sheets = sheet_names([table.title for table in page.context["report"].tables()])
    xlsx = _export(staff, dashboard_url, "dashboard", "xlsx", django_capture_on_commit_callbacks)
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert openpyxl.load_workbook(io.BytesIO(xlsx.content), read_only=True).sheetnames == dashboard_sheets
    exports_page = staff.get(reverse("staff:export_list"))
    assert exports_page.status_code == 200
    assert 'value="programme.xlsx"' in exports_page.text
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(reverse("staff:export_request"), {"export": "programme.xlsx"})
    assert response.status_code == 302
    job_page = staff.get(response["Location"])
    job = job_page.context["job"]
    assert (job.report, job.format, job.status) == ("programme", "xlsx", "done")
    xlsx = staff.get(reverse("staff:export_download", args=[job.pk]))
    assert xlsx.status_code == 200
    names = openpyxl.load_workbook(io.BytesIO(xlsx.content), read_only=True).sheetnames
    assert names[: len(dashboard_sheets)] == dashboard_sheets
    assert len(names) > len(dashboard_sheets)  # and the outcomes report's

    # 4. Safety: the youth's substance-use answers never reach a mentor or the guardian.
    own_mentor = f.MentorFactory(
        programme=programme, status="matched", user=f.UserFactory(email="bram@example.org", language="en")
    )
    youths_match = f.MatchFactory(
        programme=programme, youth=youth, state=MatchState.ACTIVE, started_on=TODAY, mentors=[own_mentor]
    )
    refused_urls = [
        ("get", reverse("portal:survey", args=[baseline.pk])),
        ("post", reverse("portal:survey_save", args=[baseline.pk])),
        ("get", reverse("staff:survey_detail", args=[baseline.pk])),
        ("get", reverse("staff:youth_surveys", args=[youth.pk])),
        ("get", reverse("staff:programme_surveys", args=[programme.pk])),
        ("get", "/link/survey/"),
        ("get", reverse("links:survey", args=["not-a-token"])),
    ]
    home, mine = reverse("portal:home"), reverse("portal:my_surveys")
    youth_page = reverse("portal:youth_detail", args=[youth.pk])
    match_page = reverse("portal:match_detail", args=[youths_match.pk])
    # Their own surveys (the mentor's sent one shows as closed) do not carry the youth's answers either.
    mothers_survey = Assignment.objects.get(guardian=mother, moment="baseline")
    own_survey, sent_survey = (reverse("portal:survey", args=[a.pk]) for a in (mothers_survey, for_mentor))
    for who, openable in (
        (own_mentor.user, [home, mine, youth_page, match_page]),
        (mentor.user, [home, mine, sent_survey]),
        (mother.user, [home, mine, youth_page, match_page, own_survey]),
    ):
        person = client_for(who)
        for method, url in refused_urls:
            response = getattr(person, method)(url)
            assert response.status_code in (403, 404), (who, url, response.status_code)
        for url in openable:
            response = person.get(url)
            assert response.status_code == 200, (who, url)
            for text in SUBSTANCE_TEXTS:
                assert text not in response.text, (who, url, text)
        assert baseline.pk not in [a.pk for a in person.get(mine).context["surveys"]]

    # The coordinator may read them; each reading is in the access log (next to every use of the
    # youth's link, which has no viewer).
    assert not access_log_of(baseline).exclude(page__startswith="links:").exists()
    assert not access_log_of(baseline).filter(page__startswith="links:", viewer__isnull=False).exists()
    page = staff.get(reverse("staff:survey_detail", args=[baseline.pk]))
    assert page.status_code == 200
    assert "how often did you drink alcohol" in page.text
    assert access_log_of(baseline).filter(viewer=cast.coordinator, page="staff:survey_detail").count() == 1
    assert access_log_of(youth).filter(viewer=cast.coordinator).exists()
    page = staff.get(reverse("staff:youth_surveys", args=[youth.pk]))
    assert page.status_code == 200
    assert access_log_of(youth).filter(viewer=cast.coordinator, page="staff:youth_surveys").count() == 1
