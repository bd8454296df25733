"""Import and export of mentors, youth and guardians."""

import csv
import io
from datetime import date

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from koppel.common.domain.errors import DomainError
from koppel.common.models import ActivityLog
from koppel.people.domain.imports import export_people, import_people, read_table
from koppel.people.models import Guardian, Interest, Mentor, Youth
from tests import factories as f

pytestmark = pytest.mark.django_db

HEADER = "first_name,last_name,date_of_birth,email,phone,postcode,languages,interests,availability,motives"


def _english(user):
    user.language = "en"
    user.save()
    return user


def mentors_csv(*rows: str, header: str = HEADER) -> bytes:
    return "\n".join([header, *rows]).encode()


ANN = 'Ann,Berg,1990-03-04,ann@example.org,0612345678,3072 ab,"nl,en","voetbal,koken",mon-ev,altruism'
BOB = "Bob,Jansen,1985-11-30,,,,,,,"


def _import(cast, content: bytes, *, kind="mentor", dry_run=False, user=None, programme=None):
    with translation.override("en"):
        return import_people(
            kind,
            programme or cast.programme,
            read_table(content),
            by=user or cast.coordinator,
            dry_run=dry_run,
        )


def _upload(client, cast, content: bytes, *, name="people.csv", kind="mentor", programme=None):
    return client.post(
        reverse("staff:import_people"),
        {
            "kind": kind,
            "programme": str((programme or cast.programme).pk),
            "file": SimpleUploadedFile(name, content),
        },
    )


# --- Import: preview, confirm, all or nothing ---------------------------------------------------------


def test_upload_shows_a_preview_and_writes_nothing_until_confirmed(cast, client_for):
    client = client_for(_english(cast.coordinator))
    before = Mentor.objects.count()
    response = _upload(client, cast, mentors_csv(ANN, BOB))
    assert response.status_code == 200
    page = response.content.decode("utf-8-sig")
    assert "2 rows: 2 new, 0 changed, 0 unchanged." in page
    assert "Ann Berg" in page
    assert Mentor.objects.count() == before

    token = response.context["confirm_form"].initial["token"]
    response = client.post(reverse("staff:import_people"), {"token": token})
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:mentor_list")
    ann = Mentor.objects.get(email="ann@example.org")
    assert ann.programme == cast.programme
    assert ann.postcode == "3072AB"
    assert ann.languages == ["en", "nl"]
    assert ann.availability == ["mon-ev"]
    assert ann.motives == ["altruism"]
    assert sorted(ann.interests.values_list("slug", flat=True)) == ["koken", "voetbal"]
    assert Mentor.objects.filter(
        first_name="Bob", last_name="Jansen", date_of_birth=date(1985, 11, 30)
    ).exists()
    entry = ActivityLog.objects.get(action="people.mentor.imported", object_id=ann.pk)
    assert entry.actor == cast.coordinator
    assert "postcode" in entry.fields and "3072AB" not in str(entry.fields)

    # The pending file is used once.
    response = client.post(reverse("staff:import_people"), {"token": token})
    assert response.status_code == 302
    assert Mentor.objects.filter(email="ann@example.org").count() == 1


def test_errors_are_reported_per_row_and_column_in_the_users_language(cast, client_for):
    bad = 'Cor,Smit,1990-01-01,cor@example.org,,30721AB,"nl,xx",,,'
    client = client_for(_english(cast.coordinator))
    response = _upload(client, cast, mentors_csv(ANN, bad))
    assert response.context["report"].error_count == 2
    errors = {(e.row, e.column): e.message for e in response.context["report"].errors}
    assert errors[(2, "postcode")] == "Enter a Dutch postcode such as 3072 AB."
    assert errors[(2, "languages")].startswith("Unknown code(s): xx.")
    assert "confirm_form" not in response.context  # nothing to confirm
    assert not Mentor.objects.filter(email__in=["ann@example.org", "cor@example.org"]).exists()

    cast.coordinator.language = "nl"
    cast.coordinator.save()
    response = _upload(client_for(cast.coordinator), cast, mentors_csv(bad))
    assert "Vul een Nederlandse postcode in" in response.content.decode("utf-8-sig")


def test_a_failing_row_writes_nothing_at_all(cast):
    people, logs = Mentor.objects.count(), ActivityLog.objects.count()
    report = _import(cast, mentors_csv(ANN, BOB, "Dirk,Vos,1990-01-01,,,,,,,nonsense"))
    assert not report.written
    assert [(e.row, e.column) for e in report.errors] == [(3, "motives")]
    assert (Mentor.objects.count(), ActivityLog.objects.count()) == (people, logs)


def test_importing_the_same_file_again_changes_nothing(cast):
    content = mentors_csv(ANN, BOB)
    first = _import(cast, content)
    assert (first.new, first.updated, first.written) == (2, 0, True)
    people, logs = Mentor.objects.count(), ActivityLog.objects.count()
    again = _import(cast, content)
    assert (again.new, again.updated, again.unchanged) == (0, 0, 2)
    assert (Mentor.objects.count(), ActivityLog.objects.count()) == (people, logs)


def test_a_changed_cell_updates_the_person_and_logs_only_its_field_name(cast):
    _import(cast, mentors_csv(ANN))
    ann = Mentor.objects.get(email="ann@example.org")
    changed = ANN.replace("0612345678", "0687654321").replace('"voetbal,koken"', "koken")
    report = _import(cast, mentors_csv(changed))
    assert (report.new, report.updated) == (0, 1)
    assert report.rows[0].changed == ["phone", "interests"]
    ann.refresh_from_db()
    assert ann.phone == "0687654321"
    assert list(ann.interests.values_list("slug", flat=True)) == ["koken"]
    assert ann.version == 2
    entry = ActivityLog.objects.get(action="people.mentor.changed", object_id=ann.pk)
    assert entry.fields == ["interests", "phone"]


def test_without_email_a_person_is_recognised_by_name_and_date_of_birth(cast):
    existing = f.MentorFactory(
        programme=cast.programme,
        first_name="Bob",
        last_name="Jansen",
        email="",
        date_of_birth=date(1985, 11, 30),
    )
    report = _import(cast, mentors_csv("bob,jansen,30-11-1985,,0611111111,,,,,", header=HEADER))
    assert (report.new, report.updated) == (0, 1)
    existing.refresh_from_db()
    assert existing.phone == "0611111111"


def test_the_same_person_twice_in_one_file_is_an_error(cast):
    report = _import(cast, mentors_csv(ANN, BOB, ANN.replace("Ann,", "Anne,")), dry_run=True)
    assert [(e.row, e.message) for e in report.errors] == [(3, "This row is about the same person as row 1.")]


def test_youth_get_the_youth_forms_age_range(cast):
    header = "first_name,last_name,date_of_birth,goals"
    too_old = timezone.localdate().replace(year=timezone.localdate().year - 40).isoformat()
    report = _import(
        cast, mentors_csv(f"Sam,Bos,{too_old},school", header=header), kind="youth", dry_run=True
    )
    assert [(e.row, e.column) for e in report.errors] == [(1, "date_of_birth")]
    assert "between 6 and 25 years" in report.errors[0].message
    fine = timezone.localdate().replace(year=timezone.localdate().year - 12).isoformat()
    report = _import(cast, mentors_csv(f"Sam,Bos,{fine},school", header=header), kind="youth")
    assert Youth.objects.get(first_name="Sam").goals == "school"


def test_guardians_are_imported_into_the_programmes_organisation(cast):
    header = "first_name,last_name,email,phone,preferred_language"
    content = mentors_csv("Els,Kok,els@example.org,,en", "Piet,Kok,,0610000000,", header=header)
    report = _import(cast, content, kind="guardian")
    assert (report.new, report.written) == (2, True)
    assert Guardian.objects.get(email="els@example.org").organisation == cast.programme.organisation
    assert _import(cast, content, kind="guardian").unchanged == 2
    report = _import(cast, mentors_csv("Jan,Kok,,,", header=header), kind="guardian", dry_run=True)
    assert "an e-mail address or a phone number" in report.errors[0].message


def test_staff_cannot_change_a_guardian_of_another_programme_by_import(cast):
    guardian = cast.guardian_row  # a parent of youth_row, in `programme`
    if not guardian.email:
        guardian.email = "g@example.org"
        guardian.save()
    header = "first_name,last_name,email,phone"
    row = f"{guardian.first_name},{guardian.last_name},{guardian.email},0699999999"
    report = _import(
        cast,
        mentors_csv(row, header=header),
        kind="guardian",
        user=cast.other_coordinator,
        programme=cast.other_programme,
    )
    # The other programme's coordinator is told nothing about a guardian they cannot see: the row is
    # a new guardian of their own programme's organisation, like any unknown e-mail address.
    assert report.ok and (report.new, report.updated) == (1, 0)
    assert not any("another programme" in e.message for e in report.errors)
    guardian.refresh_from_db()
    assert guardian.phone != "0699999999"
    assert Guardian.objects.filter(email=guardian.email).count() == 2


def test_a_guardian_of_another_programme_and_an_unknown_one_get_the_same_answer(cast):
    guardian = cast.guardian_row
    guardian.email = "known@example.org"
    guardian.save()
    header = "first_name,last_name,email,phone"

    def preview(email):
        report = _import(
            cast,
            mentors_csv(f"Els,Kok,{email},0699999999", header=header),
            kind="guardian",
            user=cast.other_coordinator,
            programme=cast.other_programme,
            dry_run=True,
        )
        return (report.ok, report.new, report.updated, report.unchanged, [e.message for e in report.errors])

    assert preview("known@example.org") == preview("unknown@example.org")


# --- Bad files ----------------------------------------------------------------------------------------


def test_wrong_columns_are_refused_with_a_clear_message(cast, client_for):
    client = client_for(_english(cast.coordinator))
    response = _upload(client, cast, b"voornaam,achternaam\nAnn,Berg\n")
    assert response.status_code == 200
    message = response.context["form"].errors["file"][0]
    assert message.startswith("The file lacks the column(s) first_name, last_name, date_of_birth.")
    response = _upload(client, cast, mentors_csv(BOB, header=HEADER + ",shoe_size"))
    assert "unknown or repeated columns: shoe_size" in response.context["form"].errors["file"][0]
    assert not Mentor.objects.filter(first_name="Bob").exists()


def test_a_file_that_is_no_csv_is_refused(cast, client_for):
    client = client_for(_english(cast.coordinator))
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00"
    response = _upload(client, cast, png, name="people.csv")
    assert response.context["form"].errors["file"][0].startswith("The file could not be read.")
    response = _upload(client, cast, b"PK\x03\x04broken", name="people.xlsx")
    assert response.context["form"].errors["file"][0].startswith("The file could not be read.")
    response = _upload(client, cast, b"hello", name="people.pdf")
    assert response.context["form"].errors["file"] == ["Upload a CSV file or an Excel workbook (.xlsx)."]


def test_semicolon_separated_csv_from_dutch_excel_is_read(cast):
    content = "first_name;last_name;date_of_birth\r\nAnn;Berg;04-03-1990\r\n".encode("cp1252")
    report = _import(cast, content)
    assert (report.new, report.written) == (1, True)


# --- Permissions --------------------------------------------------------------------------------------


def test_coordinator_cannot_import_into_another_programme(cast, client_for):
    client = client_for(_english(cast.coordinator))
    response = _upload(client, cast, mentors_csv(ANN), programme=cast.other_programme)
    assert response.status_code == 200
    assert "programme" in response.context["form"].errors
    assert not Mentor.objects.filter(email="ann@example.org").exists()


def test_a_pending_import_is_bound_to_the_user_who_uploaded_it(cast, client_for):
    response = _upload(client_for(cast.coordinator), cast, mentors_csv(ANN))
    token = response.context["confirm_form"].initial["token"]
    response = client_for(cast.admin).post(reverse("staff:import_people"), {"token": token})
    assert response.status_code == 302
    assert not Mentor.objects.filter(email="ann@example.org").exists()
    # The other user's attempt did not use it up.
    client_for(cast.coordinator).post(reverse("staff:import_people"), {"token": token})
    assert Mentor.objects.filter(email="ann@example.org").count() == 1


def test_coordinator_cannot_export_another_programme(cast, client_for):
    logs = ActivityLog.objects.count()
    response = client_for(cast.coordinator).post(
        reverse("staff:export_people"),
        {"kind": "youth", "programme": str(cast.other_programme.pk), "format": "csv"},
    )
    assert response.status_code == 200
    assert "programme" in response.context["form"].errors
    assert ActivityLog.objects.count() == logs


@pytest.mark.parametrize("role", ["mentor", "youth", "guardian"])
def test_mentors_youth_and_guardians_get_403(cast, client_for, role):
    client = client_for(getattr(cast, role))
    assert _upload(client, cast, mentors_csv(ANN)).status_code == 403
    response = client.post(
        reverse("staff:export_people"),
        {"kind": "mentor", "programme": str(cast.programme.pk), "format": "csv"},
    )
    assert response.status_code == 403
    assert not Mentor.objects.filter(email="ann@example.org").exists()


# --- Export -------------------------------------------------------------------------------------------


def _export(client, cast, kind="mentor", fmt="csv"):
    return client.post(
        reverse("staff:export_people"), {"kind": kind, "programme": str(cast.programme.pk), "format": fmt}
    )


def test_export_is_logged_as_an_access_to_personal_data(cast, client_for):
    response = _export(client_for(cast.coordinator), cast)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert {r["email"] for r in rows} == {m.email for m in Mentor.objects.filter(programme=cast.programme)}
    entry = ActivityLog.objects.get(action="people.exported")
    assert entry.object_id == cast.programme.pk
    assert entry.actor == cast.coordinator
    assert entry.data == {"kind": "mentor", "rows": len(rows)}


def test_export_holds_only_the_programmes_people(cast, client_for):
    rows = list(
        csv.DictReader(
            io.StringIO(_export(client_for(cast.admin), cast, "youth").content.decode("utf-8-sig"))
        )
    )
    assert [r["last_name"] for r in rows] == [cast.youth_row.last_name]
    guardians = _export(client_for(cast.coordinator), cast, "guardian").content.decode("utf-8-sig")
    assert cast.guardian_row.last_name in guardians
    other_guardian = cast.other_youth_row.guardianships.get().guardian
    assert other_guardian.last_name not in guardians


def test_export_neutralises_spreadsheet_formulas(cast, client_for):
    formula = '=HYPERLINK("http://evil.example","click")'
    f.MentorFactory(programme=cast.programme, first_name=formula, last_name="@SUM(A1)", email="f@example.org")
    client = client_for(cast.coordinator)

    rows = list(csv.DictReader(io.StringIO(_export(client, cast).content.decode("utf-8-sig"))))
    row = next(r for r in rows if r["email"] == "f@example.org")
    assert row["first_name"] == "'" + formula
    assert row["last_name"] == "'@SUM(A1)"

    sheet = openpyxl.load_workbook(io.BytesIO(_export(client, cast, fmt="xlsx").content)).active
    cells = next(c for c in sheet.iter_rows() if c[4].value == "f@example.org")
    assert cells[0].data_type == "s"
    assert cells[0].value == "'" + formula

    # Imported back, the apostrophe goes again: the name is unchanged.
    report = _import(cast, _export(client, cast, fmt="xlsx").content)
    assert (report.new, report.updated) == (0, 0)
    assert Mentor.objects.get(email="f@example.org").first_name == formula


def test_xlsx_round_trip_changes_nothing(cast, client_for):
    mentor = cast.mentor_row
    mentor.interests.set(Interest.objects.filter(slug__in=["koken", "lezen"]))
    mentor.languages = ["ar", "nl"]
    mentor.save()
    client = client_for(cast.coordinator)
    content = _export(client, cast, fmt="xlsx").content
    assert content.startswith(b"PK")
    people, logs = Mentor.objects.count(), ActivityLog.objects.count()
    report = _import(cast, content)
    assert report.ok and (report.new, report.updated) == (0, 0)
    assert report.unchanged == Mentor.objects.filter(programme=cast.programme).count()
    assert (Mentor.objects.count(), ActivityLog.objects.count()) == (people, logs)

    # A changed cell in the workbook is an update of that person only.
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook.active
    headers = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[headers.index("email")].value == mentor.email)
    row[headers.index("neighbourhood")].value = "Katendrecht"
    out = io.BytesIO()
    workbook.save(out)
    report = _import(cast, out.getvalue())
    assert (report.new, report.updated) == (0, 1)
    mentor.refresh_from_db()
    assert mentor.neighbourhood == "Katendrecht"


def test_read_table_refuses_empty_files():
    with pytest.raises(DomainError):
        read_table(b"")
    with pytest.raises(DomainError):
        read_table(b"\n\n")


def test_export_refuses_unknown_formats(cast):
    with pytest.raises(DomainError):
        export_people("mentor", cast.programme, by=cast.coordinator, fmt="pdf")


def test_csv_round_trip_of_youth_changes_nothing(cast, client_for):
    cast.youth_row.interests.set(Interest.objects.filter(slug__in=["dansen"]))
    content = _export(client_for(cast.coordinator), cast, "youth").content
    report = _import(cast, content, kind="youth")
    assert report.ok and (report.new, report.updated, report.unchanged) == (0, 0, 1)
