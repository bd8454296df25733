"""Writers for report exports: a list of `Table`s (reports/domain/tables.py) to CSV or XLSX.

Both writers stream: `CsvWriter` and `XlsxWriter` take a table's title and columns, then rows one at a
time, so the long scores export (reports/domain/jobs.py) writes a million rows without holding them
as Python lists. `to_csv` and `to_xlsx` are the short form for a report's tables.

Cells: a date stays a date in XLSX (ISO 8601 in CSV), `SUPPRESSED` becomes the text "hidden: fewer
than N matches" (suppression.hidden_text: N the report's smallest group, OUT-3 privacy; never "<N",
which a spreadsheet reader takes for a value), and text that a spreadsheet would run as a formula is made
inert (CSV/formula injection; the same rule as the people export, `people.resources.neutralise`).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from koppel.people.resources import neutralise
from koppel.reports.domain.suppression import hidden_text, table_hidden_text
from koppel.reports.domain.tables import Suppressed, Table

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_CONTENT_TYPE = "application/pdf"

# Excel's limits: a sheet name is at most 31 characters, without these; a sheet at most 1,048,576 rows.
SHEET_NAME_MAX = 31
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_ROWS_MAX = 1_048_576


def _min_group(table: Table, default: int | None) -> int | None:
    return table.meta.get("min_group", default)


def csv_cell(value: Any, *, min_group: int | None = None, hidden: str | None = None) -> str:
    """One cell as CSV text; a hidden one says so (`hidden`, else `hidden_text(min_group)`)."""
    if isinstance(value, Suppressed):
        return hidden or hidden_text(min_group)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.6g}" if not value.is_integer() else str(int(value))
    return neutralise(str(value))


class CsvWriter:
    """UTF-8 with a byte-order mark (so Excel keeps the accents), one block per table: its title
    row, its note (if any), the column headings, the rows, and an empty line between blocks."""

    content_type = CSV_CONTENT_TYPE
    extension = "csv"

    def __init__(self) -> None:
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, lineterminator="\r\n", quoting=csv.QUOTE_ALL)
        self._blocks = 0
        self._min_group: int | None = None

    def table(
        self, title: str, columns: Sequence[str], *, note: str = "", min_group: int | None = None
    ) -> None:
        if self._blocks:
            self._writer.writerow([])
        self._blocks += 1
        self._min_group = min_group
        self._writer.writerow([neutralise(title)])
        if note:
            self._writer.writerow([neutralise(note)])
        self._writer.writerow([neutralise(str(c)) for c in columns])

    def row(self, values: Iterable[Any], *, hidden: str | None = None) -> None:
        """One row; `hidden` is what its hidden cells say (by default about people)."""
        self._writer.writerow([csv_cell(v, min_group=self._min_group, hidden=hidden) for v in values])

    def finish(self) -> bytes:
        return ("\ufeff" + self._buffer.getvalue()).encode("utf-8")


def sheet_names(titles: Iterable[str]) -> list[str]:
    """Excel sheet names for `titles`: forbidden characters dropped, at most 31 characters, unique
    (a later duplicate gets " (2)", " (3)", ... within the 31 characters)."""
    names: list[str] = []
    taken: set[str] = set()
    for title in titles:
        base = SHEET_NAME_FORBIDDEN.sub("", str(title)).strip().strip("'") or "Sheet"
        name = base[:SHEET_NAME_MAX].rstrip()
        number = 2
        while name.lower() in taken:
            suffix = f" ({number})"
            name = base[: SHEET_NAME_MAX - len(suffix)].rstrip() + suffix
            number += 1
        taken.add(name.lower())
        names.append(name)
    return names


class XlsxWriter:
    """One sheet per table (openpyxl's write-only mode, so rows stream to the file): the title in
    bold on the first row, the note on the next, then the headings and the rows. A table longer than
    a sheet continues on a next sheet with the same headings."""

    content_type = XLSX_CONTENT_TYPE
    extension = "xlsx"

    def __init__(self, titles: Sequence[str] = ()) -> None:
        self._book = Workbook(write_only=True)
        self._names = iter(sheet_names(titles)) if titles else None
        self._used: list[str] = []
        self._sheet = None
        self._rows_in_sheet = 0
        self._columns: list[str] = []
        self._min_group: int | None = None
        self._title = ""
        self._bold = Font(bold=True)

    def _next_name(self, title: str) -> str:
        if self._names is not None:
            try:
                return next(self._names)
            except StopIteration:
                self._names = None
        return sheet_names([*self._used, title])[-1]

    def _open_sheet(self, title: str) -> None:
        name = self._next_name(title)
        self._used.append(name)
        self._sheet = self._book.create_sheet(title=name)
        self._rows_in_sheet = 0

    def _append(self, row: list) -> None:
        if self._sheet is None:
            raise RuntimeError("table() opens a sheet before rows are written")
        self._sheet.append(row)
        self._rows_in_sheet += 1

    def _text_cell(self, value: str, *, bold: bool = False) -> WriteOnlyCell:
        cell = WriteOnlyCell(self._sheet, value=value)
        # Text, never a formula, even when it starts with "=" (formula injection).
        cell.data_type = "s"
        if bold:
            cell.font = self._bold
        return cell

    def table(
        self, title: str, columns: Sequence[str], *, note: str = "", min_group: int | None = None
    ) -> None:
        self._title, self._min_group = title, min_group
        self._columns = [str(c) for c in columns]
        self._open_sheet(title)
        self._append([self._text_cell(title, bold=True)])
        if note:
            self._append([self._text_cell(note)])
        self._append([self._text_cell(c, bold=True) for c in self._columns])

    def _cell(self, value: Any, hidden: str | None = None) -> WriteOnlyCell:
        if isinstance(value, Suppressed):
            return self._text_cell(hidden or hidden_text(self._min_group))
        if isinstance(value, str):
            return self._text_cell(value)
        if isinstance(value, datetime):
            cell = WriteOnlyCell(self._sheet, value=value.replace(tzinfo=None))
            cell.number_format = "yyyy-mm-dd hh:mm"
            return cell
        if isinstance(value, date):
            cell = WriteOnlyCell(self._sheet, value=value)
            cell.number_format = "yyyy-mm-dd"
            return cell
        if value is None or isinstance(value, int | float):
            return value
        return self._text_cell(str(value))

    def row(self, values: Iterable[Any], *, hidden: str | None = None) -> None:
        """One row; `hidden` is what its hidden cells say (by default about people)."""
        if self._rows_in_sheet >= SHEET_ROWS_MAX:
            # A continuation sheet repeats only the headings.
            self._open_sheet(self._title)
            self._append([self._text_cell(c, bold=True) for c in self._columns])
        self._append([self._cell(v, hidden) for v in values])

    def finish(self) -> bytes:
        if not self._used:
            self._book.create_sheet(title="Sheet")
        buffer = io.BytesIO()
        self._book.save(buffer)
        return buffer.getvalue()


def write_tables(
    writer: CsvWriter | XlsxWriter, tables: Sequence[Table], *, min_group: int | None = None
) -> bytes:
    for table in tables:
        writer.table(table.title, table.columns, note=table.note, min_group=_min_group(table, min_group))
        for i, row in enumerate(table.rows):
            writer.row(row, hidden=table_hidden_text(table, i, min_group=min_group))
    return writer.finish()


def to_csv(tables: Sequence[Table], *, min_group: int | None = None) -> bytes:
    """The tables as one CSV file (UTF-8 with BOM), one block per table."""
    return write_tables(CsvWriter(), tables, min_group=min_group)


def to_xlsx(tables: Sequence[Table], *, min_group: int | None = None) -> bytes:
    """The tables as one XLSX workbook, one sheet per table named after its title."""
    return write_tables(XlsxWriter([t.title for t in tables]), tables, min_group=min_group)
