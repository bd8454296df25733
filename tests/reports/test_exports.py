"""The export writers: report tables to CSV and XLSX, read back (no database needed)."""

import csv
import io
from datetime import date

import openpyxl
import pytest
from django.utils import translation

from koppel.reports.domain import exports
from koppel.reports.domain.exports import CsvWriter, XlsxWriter, sheet_names, to_csv, to_xlsx
from koppel.reports.domain.tables import SUPPRESSED, Table


@pytest.fixture(autouse=True)
def in_english():
    """The texts of hidden cells are translated; these tests read them in English."""
    with translation.override("en"):
        yield


def _tables() -> list[Table]:
    return [
        Table(
            key="funnel",
            title="Recruitment funnel per channel",
            columns=["Channel", "Applied", "Matched", "Since"],
            rows=[
                ["Social media", 40, 12, date(2025, 3, 1)],
                ['=HYPERLINK("http://evil")', SUPPRESSED, 2.5, None],
            ],
            note="Fewer than 5 people are hidden.",
            rule="REC-3",
        ),
        Table(key="empty", title="Nothing here", columns=["A"], rows=[]),
    ]


def _read_csv(content: bytes) -> list[list[str]]:
    assert content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_csv_has_one_block_per_table_with_title_note_and_headings():
    rows = _read_csv(to_csv(_tables(), min_group=5))
    assert rows[0] == ["Recruitment funnel per channel"]
    assert rows[1] == ["Fewer than 5 people are hidden."]
    assert rows[2] == ["Channel", "Applied", "Matched", "Since"]
    assert rows[3] == ["Social media", "40", "12", "2025-03-01"]
    assert rows[5] == []
    assert rows[6] == ["Nothing here"]
    assert rows[7] == ["A"]
    assert len(rows) == 8


def test_csv_shows_suppressed_cells_as_hidden_not_as_a_value__OUT_3():
    rows = _read_csv(to_csv(_tables(), min_group=5))
    assert rows[4][1] == "hidden: fewer than 5 people"
    assert rows[4][2] == "2.5"
    assert rows[4][3] == ""


def test_csv_neutralises_formulas():
    rows = _read_csv(to_csv(_tables()))
    assert rows[4][0] == '\'=HYPERLINK("http://evil")'


def test_csv_min_group_from_the_table_meta_wins():
    table = Table(key="t", title="T", columns=["a", "b"], rows=[["x", SUPPRESSED]], meta={"min_group": 10})
    assert _read_csv(to_csv([table], min_group=5))[2] == ["x", "hidden: fewer than 10 people"]


def test_xlsx_round_trip_one_sheet_per_table_with_dates_as_dates():
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(_tables(), min_group=5)))
    assert book.sheetnames == ["Recruitment funnel per channel", "Nothing here"]
    sheet = book["Recruitment funnel per channel"]
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0][0] == "Recruitment funnel per channel"
    assert values[1][0] == "Fewer than 5 people are hidden."
    assert values[2] == ["Channel", "Applied", "Matched", "Since"]
    assert values[3][:3] == ["Social media", 40, 12]
    assert values[3][3].date() == date(2025, 3, 1)
    assert sheet.cell(row=4, column=4).is_date
    assert sheet.cell(row=3, column=1).font.bold


def test_xlsx_writes_formulas_as_text_and_suppressed_as_hidden__OUT_3():
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx(_tables(), min_group=5))).worksheets[0]
    formula = sheet.cell(row=5, column=1)
    assert formula.data_type == "s"
    assert formula.value == '=HYPERLINK("http://evil")'
    assert sheet.cell(row=5, column=2).value == "hidden: fewer than 5 people"
    assert sheet.cell(row=5, column=3).value == 2.5


def test_sheet_names_are_trimmed_to_31_characters_and_unique():
    long = "Outcomes at twelve months, by match length and respondent"
    names = sheet_names([long, long, "a/b:c*?[d]", "Sheet", "sheet", ""])
    assert names[0] == long[:31].rstrip()
    assert names[1].endswith(" (2)") and len(names[1]) <= 31
    assert names[2] == "abcd"
    assert names[3] == "Sheet" and names[4] == "sheet (2)"
    assert names[5] == "Sheet (3)"
    assert len({n.lower() for n in names}) == len(names)
    assert all(len(n) <= 31 for n in names)


def test_xlsx_with_two_tables_of_the_same_long_title_reads_back():
    title = "Change per outcome domain from baseline to follow-up"
    tables = [Table(key=f"t{n}", title=title, columns=["a"], rows=[[n]]) for n in range(3)]
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(tables)))
    assert len(book.sheetnames) == 3
    assert [book[name]["A3"].value for name in book.sheetnames] == [0, 1, 2]


def test_xlsx_continues_a_long_table_on_a_next_sheet(monkeypatch):
    monkeypatch.setattr(exports, "SHEET_ROWS_MAX", 5)
    writer = XlsxWriter(["Scores"])
    writer.table("Scores", ["n"])
    for n in range(6):
        writer.row([n])
    book = openpyxl.load_workbook(io.BytesIO(writer.finish()))
    assert book.sheetnames == ["Scores", "Scores (2)"]
    first = [r[0] for r in book["Scores"].iter_rows(values_only=True)]
    second = [r[0] for r in book["Scores (2)"].iter_rows(values_only=True)]
    assert first == ["Scores", "n", 0, 1, 2]
    assert second == ["n", 3, 4, 5]


def test_streaming_csv_writer_writes_rows_as_they_come():
    writer = CsvWriter()
    writer.table("Scores", ["youth", "value"])
    for n in range(3):
        writer.row([f"J-{n}", n / 2])
    rows = _read_csv(writer.finish())
    assert rows == [["Scores"], ["youth", "value"], ["J-0", "0"], ["J-1", "0.5"], ["J-2", "1"]]
