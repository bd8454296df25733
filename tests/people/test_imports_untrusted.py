"""Uploaded files are untrusted: a hostile or broken workbook or CSV gets the import page's own error,
never a server error, and a huge file is refused without reading it all."""

import io
import time
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from koppel.common.domain.errors import DomainError
from koppel.people.domain import imports
from koppel.people.domain.imports import read_table
from koppel.people.models import Mentor

pytestmark = pytest.mark.django_db

SHEET = "xl/worksheets/sheet1.xml"
HEADER = ["first_name", "last_name", "date_of_birth"]


def _workbook(rows=(("Ann", "Berg", "1990-03-04"),)) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _replace(content: bytes, name: str, data: bytes, *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    """The workbook with one part replaced."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w", compression) as target:
        for item in source.infolist():
            target.writestr(item.filename, data if item.filename == name else source.read(item.filename))
    return out.getvalue()


def _sheet_xml(body: str, prolog: str = "") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        + prolog
        + '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        + body
        + "</sheetData></worksheet>"
    ).encode()


def _row(number: int, *values: str) -> str:
    cells = "".join(
        f'<c r="{col}{number}" t="inlineStr"><is><t>{v}</t></is></c>'
        for col, v in zip("ABC", values, strict=False)
    )
    return f'<row r="{number}">{cells}</row>'


HEADER_ROW = _row(1, *HEADER)
BOMB = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
    '<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">'
    '<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">]>'
)

HOSTILE = {
    "entity bomb": _replace(
        _workbook(), SHEET, _sheet_xml(HEADER_ROW + _row(2, "&lol5;", "B", "1990-03-04"), BOMB)
    ),
    "external entity": _replace(
        _workbook(),
        SHEET,
        _sheet_xml(
            HEADER_ROW + _row(2, "&xxe;", "B", "1990-03-04"),
            '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
        ),
    ),
    "doctype in the workbook part": _replace(
        _workbook(), "xl/workbook.xml", b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><workbook/>'
    ),
    "truncated sheet XML": _replace(_workbook(), SHEET, _sheet_xml(HEADER_ROW)[:-40]),
    "garbled sheet XML": _replace(_workbook(), SHEET, b"\x00\xff<row<<c r=>>" * 50),
    "truncated zip": _workbook()[:-300],
    "sheet missing": _replace(_workbook(), "xl/workbook.xml", b'<?xml version="1.0"?><workbook/>'),
    "no zip at all": b"PK\x03\x04" + b"\x00" * 200,
}


def _english_coordinator(cast):
    cast.coordinator.language = "en"
    cast.coordinator.save()
    return cast.coordinator


def _upload(client, cast, content: bytes, name="people.xlsx"):
    return client.post(
        reverse("staff:import_people"),
        {"kind": "mentor", "programme": str(cast.programme.pk), "file": SimpleUploadedFile(name, content)},
    )


@pytest.mark.parametrize("case", HOSTILE)
def test_a_hostile_or_broken_workbook_gets_the_pages_error_not_a_server_error(cast, client_for, case):
    client = client_for(_english_coordinator(cast))
    response = _upload(client, cast, HOSTILE[case])
    assert response.status_code == 200
    assert response.context["form"].errors["file"][0].startswith("The file could not be read.")
    assert "root:" not in response.text
    assert not Mentor.objects.filter(last_name="B").exists()


def test_a_hostile_workbook_is_refused_by_read_table_itself():
    for content in HOSTILE.values():
        with pytest.raises(DomainError):
            read_table(content, "people.xlsx")


def test_a_zip_bomb_is_refused_before_it_is_unpacked(cast, client_for):
    # 200 MB of spaces in the sheet compress to a few hundred kB.
    padding = b" " * (200 * 1024 * 1024)
    content = _replace(_workbook(), "xl/padding.xml", b"", compression=zipfile.ZIP_DEFLATED)
    out = io.BytesIO(content)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/padding.bin", padding)
    del padding
    content = out.getvalue()
    assert len(content) < imports.MAX_UNPACKED_BYTES // 100
    client = client_for(_english_coordinator(cast))
    started = time.monotonic()
    response = _upload(client, cast, content)
    assert time.monotonic() - started < 2
    assert response.context["form"].errors["file"] == [
        "The workbook unpacks to more than 100 MB; split it into smaller files."
    ]


def test_a_sheet_of_600k_rows_is_refused_at_the_row_limit_without_reading_it_all(
    cast, client_for, monkeypatch
):
    parsed = []
    sheet_rows = imports._sheet_rows

    def counting(rows):
        for row in sheet_rows(rows):
            parsed.append(1)
            yield row

    monkeypatch.setattr(imports, "_sheet_rows", counting)
    # Numbers keep the sheet's XML (about 60 MB) under the unpacked-size limit.
    body = HEADER_ROW + "".join(
        f'<row r="{n}"><c r="A{n}"><v>{n}</v></c><c r="B{n}"><v>{n}</v></c><c r="C{n}"><v>1</v></c></row>'
        for n in range(2, 600_002)
    )
    content = _replace(_workbook(), SHEET, _sheet_xml(body))
    assert sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(content)).infolist()) > 50 * 1024 * 1024
    client = client_for(_english_coordinator(cast))
    started = time.monotonic()
    response = _upload(client, cast, content)
    elapsed = time.monotonic() - started
    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "A file may hold at most 20000 rows; split it into smaller files."
    ]
    assert len(parsed) == imports.MAX_ROWS + 1  # the header and the rows up to the limit, no more
    # About 3 s on a laptop; the bound leaves room for a busy CI machine.
    assert elapsed < 20, f"refusing a 600k-row sheet took {elapsed:.1f} s"


def test_a_workbook_filled_to_the_limit_with_empty_formatted_rows_below_is_read(monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 3)
    body = HEADER_ROW + "".join(_row(n, "Ann", f"Berg{n}", "1990-03-04") for n in range(2, 5))
    body += "".join(f'<row r="{n}"><c r="A{n}" s="1"/></row>' for n in range(5, 50))
    table = read_table(_replace(_workbook(), SHEET, _sheet_xml(body)), "people.xlsx")
    assert len(table) == 3
    body += _row(50, "Late", "Row", "1990-03-04")
    with pytest.raises(DomainError, match="at most 3 rows"):
        read_table(_replace(_workbook(), SHEET, _sheet_xml(body)), "people.xlsx")


def test_a_csv_past_the_row_limit_is_refused(monkeypatch):
    monkeypatch.setattr(imports, "MAX_ROWS", 3)
    rows = [f"Ann,Berg{n},1990-03-04" for n in range(4)]
    with pytest.raises(DomainError, match="at most 3 rows"):
        read_table("\n".join([",".join(HEADER), *rows]).encode(), "people.csv")
    assert len(read_table("\n".join([",".join(HEADER), *rows[:3], ",,", ""]).encode(), "people.csv")) == 3
