"""Importing and exporting mentors, youth and guardians.

`read_table` turns an uploaded CSV or XLSX file into a table; `import_people` checks every row
(`dry_run=True` for the preview) and writes all rows or none; `export_people` writes the people a
staff member can see to CSV or XLSX, with spreadsheet formulas made inert, and logs the export.
"""

import csv
import io
import logging
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import tablib
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from import_export.results import Result

from koppel.accounts.models import User
from koppel.common.domain.audit import log_action, log_actions_bulk
from koppel.common.domain.errors import DomainError
from koppel.people.domain.queries.visible import guardians_visible_to, mentors_visible_to, staff_youth
from koppel.people.domain.roles import AnyUser
from koppel.people.models import Guardian, Mentor, Youth
from koppel.people.resources import RESOURCES, GuardianResource, KoppelResource
from koppel.programmes.models import Programme

logger = logging.getLogger(__name__)

MAX_ROWS = 20_000
# A workbook of MAX_ROWS rows unpacks to some tens of MB; more is a zip bomb, not a list of people.
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_ZIP_MEMBERS = 1000
# The parts other than worksheets (shared strings, styles, ...) are read whole, so they are kept small.
MAX_PART_BYTES = 20 * 1024 * 1024
MAX_COLUMNS = 1000
PREVIEW_ROWS = 500
FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _unreadable() -> DomainError:
    return DomainError(
        _(
            "The file could not be read. Upload a CSV file (UTF-8, separated by commas or semicolons) "
            "or an Excel workbook (.xlsx) whose first row holds the column names."
        )
    )


# --- Reading a file ---------------------------------------------------------------------------------


def read_table(content: bytes, filename: str = "") -> tablib.Dataset:
    """The uploaded file as a table: the first row gives the column names (trimmed, lower case).

    Trailing empty rows are dropped; empty rows in between stay, so row numbers match the file.
    The file is read row by row and reading stops at MAX_ROWS, so a huge file costs no more than a
    file at the limit. Raises DomainError when the file is neither a readable CSV nor an XLSX
    workbook, is unsafe (an XML entity declaration, a zip that unpacks to more than
    MAX_UNPACKED_BYTES) or has more than MAX_ROWS rows.
    """
    if content.startswith(b"PK\x03\x04") or filename.lower().endswith(".xlsx"):
        rows = _limited(_xlsx_rows(content))
    else:
        rows = _limited(_csv_rows(content))
    while rows and not any(_filled(c) for c in rows[-1]):
        rows.pop()
    if not rows or not any(_filled(c) for c in rows[0]):
        raise _unreadable()
    headers = [str(h or "").strip().lower() for h in rows[0]]
    width = len(headers)
    dataset = tablib.Dataset(headers=headers)
    for number, row in enumerate(rows[1:], 1):
        cells = list(row)
        if len(cells) > width and any(_filled(c) for c in cells[width:]):
            raise DomainError(_("Row %(row)s has more cells than there are column names.") % {"row": number})
        dataset.append((cells + [""] * width)[:width])
    return dataset


def _too_many_rows() -> DomainError:
    return DomainError(
        _("A file may hold at most %(n)s rows; split it into smaller files.") % {"n": MAX_ROWS}
    )


def _limited(rows: Iterator[list]) -> list[list]:
    """The header and at most MAX_ROWS rows; a filled row past the limit stops the reading.

    Empty rows past the limit are only counted: a sheet formatted far down but filled to within the
    limit is read, and one that is filled past it is refused as soon as the reading gets there.
    """
    kept: list[list] = []
    for row in rows:
        if len(kept) <= MAX_ROWS:
            kept.append(row)
        elif any(_filled(c) for c in row):
            raise _too_many_rows()
    return kept


def _filled(cell: object) -> bool:
    return cell is not None and str(cell).strip() != ""


def _csv_rows(content: bytes) -> Iterator[list]:
    if b"\x00" in content[:4096]:
        raise _unreadable()
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")  # Excel's "CSV" on Windows
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error:
        raise _unreadable() from None


def _check_zip(content: bytes) -> None:
    """Refuse a workbook that would be unsafe to hand to the XLSX reader: one that unpacks to more
    than MAX_UNPACKED_BYTES (a zip bomb) or whose XML declares a document type (entity expansion, an
    external entity). A workbook saved by a spreadsheet program has neither."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS or sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
                raise _too_large()
            for member in members:
                if member.file_size > MAX_PART_BYTES and not member.filename.startswith("xl/worksheets/"):
                    raise _too_large()
                # The reader stops at the size the archive declares, so the sum above bounds the work.
                with archive.open(member) as data:
                    tail = b""
                    while chunk := data.read(1 << 20):
                        window = tail + chunk
                        if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                            raise _unreadable()
                        tail = chunk[-16:]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, ValueError):
        raise _unreadable() from None


def _too_large() -> DomainError:
    return DomainError(
        _("The workbook unpacks to more than %(mb)s MB; split it into smaller files.")
        % {"mb": MAX_UNPACKED_BYTES // (1024 * 1024)}
    )


def _xlsx_rows(content: bytes) -> Iterator[list]:
    """The first worksheet's rows, parsed as they are read.

    openpyxl's own read-only worksheet parses the whole sheet before the first row when the sheet
    does not declare its size, and stops silently at a declared size that is too small; so the sheet
    is fed to openpyxl's row parser directly, which gives one row at a time.
    """
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet
    from openpyxl.worksheet._reader import WorkSheetParser

    _check_zip(content)
    try:
        reader = ExcelReader(io.BytesIO(content), read_only=True, data_only=True)
        try:
            reader.read_manifest()
            reader.read_strings()
            reader.read_workbook()
            apply_stylesheet(reader.archive, reader.wb)
            sheets = [
                rel.target
                for _sheet, rel in reader.parser.find_sheets()
                if rel.target in reader.valid_files and "chartsheet" not in rel.Type
            ]
            if not sheets:
                raise _unreadable()
            workbook = reader.wb
            with reader.archive.open(sheets[0]) as source:
                parser = WorkSheetParser(
                    source,
                    reader.shared_strings,
                    data_only=True,
                    epoch=workbook.epoch,
                    date_formats=workbook._date_formats,
                    timedelta_formats=workbook._timedelta_formats,
                )
                yield from _sheet_rows(parser.parse())
        finally:
            reader.archive.close()
    except DomainError:
        raise
    except Exception as e:
        # Any failure of the reader on an uploaded file (truncated or garbled XML, a missing part, an
        # odd cell) means the file is unreadable; the name of the error helps, the content never goes
        # to the log.
        logger.info("unreadable workbook: %s", type(e).__name__)
        raise _unreadable() from None


def _sheet_rows(parsed: Iterable[tuple[int, list[dict[str, Any]]]]) -> Iterator[list]:
    """Rows as lists of values from openpyxl's (row number, cells) pairs; rows the file leaves out
    come as empty rows, so row numbers stay those of the file."""
    expected = 1
    for number, cells in parsed:
        values = {cell["column"]: cell["value"] for cell in cells if _filled(cell["value"])}
        if number > MAX_ROWS + 1:
            # Past the limit: no filling in of the rows in between, however far the number jumps.
            if values:
                raise _too_many_rows()
            continue
        if number < expected:
            continue  # a row number the file repeats: openpyxl skips it too
        for _missing in range(expected, number):
            yield []
        expected = number + 1
        if values and max(values) > MAX_COLUMNS:
            raise DomainError(
                _("Row %(row)s has more cells than there are column names.") % {"row": number - 1}
            )
        yield [values.get(column) for column in range(1, max(values, default=0) + 1)]


# --- Importing --------------------------------------------------------------------------------------


@dataclass
class CellError:
    row: int
    column: str
    message: str


@dataclass
class PreviewRow:
    row: int
    status: str  # new, update
    name: str
    changed: list[str]


@dataclass
class ImportReport:
    kind: str
    total: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    rows: list[PreviewRow] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    error_count: int = 0
    written: bool = False

    @property
    def ok(self) -> bool:
        return self.error_count == 0


def check_columns(kind: str, headers: list[str]) -> None:
    """Refuse a file whose columns are not the kind's: a missing required column or an unknown one."""
    resource = RESOURCES[kind]
    known = list(resource._meta.fields)
    missing = [c for c in resource.REQUIRED_COLUMNS if c not in headers]
    unknown = [h for h in headers if h not in known]
    repeated = sorted({h for h in headers if headers.count(h) > 1})
    if missing:
        raise DomainError(
            _("The file lacks the column(s) %(missing)s. The first row must name the columns: %(known)s.")
            % {"missing": ", ".join(missing), "known": ", ".join(known)}
        )
    if unknown or repeated:
        raise DomainError(
            _("The file has unknown or repeated columns: %(columns)s. Koppel knows these columns: %(known)s.")
            % {"columns": ", ".join(unknown + repeated) or "-", "known": ", ".join(known)}
        )


def _resource(kind: str, programme: Programme, by: User) -> KoppelResource:
    if kind != "guardian":
        return RESOURCES[kind](programme=programme, user=by)
    # Staff may change the guardians they can see and those nobody has linked to a child yet.
    changeable = Guardian.objects.filter(
        Q(pk__in=guardians_visible_to(by).values("pk")) | Q(guardianships__isnull=True)
    ).values("pk")
    return GuardianResource(programme=programme, user=by, changeable=changeable)


def import_people(
    kind: str, programme: Programme, dataset: tablib.Dataset, *, by: User, dry_run: bool
) -> ImportReport:
    """Import mentors, youth or guardians of `programme` (guardians: of its organisation).

    All or nothing: when any row fails, nothing is written and the report lists the errors per row
    and column. With `dry_run` nothing is ever written. Side effects of a real run: the people are
    created or changed in bulk, their interests set, and one activity-log entry per created
    ("people.<kind>.imported") or changed ("people.<kind>.changed") person names the fields.
    """
    check_columns(kind, list(dataset.headers or []))
    resource = _resource(kind, programme, by)
    with transaction.atomic():
        result = resource.import_data(
            dataset, dry_run=dry_run, use_transactions=True, rollback_on_validation_errors=True
        )
        report = _report(kind, result)
        if dry_run or not report.ok:
            transaction.set_rollback(True)
            return report
        _write_interests(resource)
        _write_log(resource, kind, list(dataset.headers), by=by)
        report.written = True
    return report


def _report(kind: str, result: Result) -> ImportReport:
    report = ImportReport(kind=kind, total=result.total_rows)
    report.new = result.totals.get("new", 0)
    report.updated = result.totals.get("update", 0)
    report.unchanged = result.totals.get("skip", 0)
    for row_result in result.rows:
        if row_result.import_type in ("new", "update") and len(report.rows) < PREVIEW_ROWS:
            report.rows.append(
                PreviewRow(
                    row=getattr(row_result, "number", 0),
                    status=row_result.import_type,
                    name=row_result.object_repr or "",
                    changed=list(getattr(row_result, "changed", [])),
                )
            )
    errors: list[CellError] = []
    for invalid in result.invalid_rows:
        for column, messages in invalid.error_dict.items():
            name = "" if column == "__all__" else column
            errors.extend(CellError(invalid.number, name, str(m)) for m in messages)
    for error_row in result.error_rows:
        errors.extend(CellError(error_row.number, "", str(e.error)) for e in error_row.errors)
    errors.extend(CellError(0, "", str(e.error)) for e in result.base_errors)
    report.error_count = len(errors)
    report.errors = errors[:PREVIEW_ROWS]
    return report


def _write_interests(resource: KoppelResource) -> None:
    """The many-to-many interests: bulk operations in the library leave them out, so they are set here."""
    if "interests" not in resource.fields:
        return
    through = resource._meta.model.interests.through
    owner = f"{resource._meta.model._meta.model_name}_id"
    touched = [obj for obj, _created in resource.saved if hasattr(obj, "_import_interest_ids")]
    changed = [obj for obj in touched if "interests" in obj._import_changed]
    through.objects.filter(**{f"{owner}__in": [obj.pk for obj in changed if obj.pk]}).delete()
    through.objects.bulk_create(
        [through(**{owner: obj.pk, "interest_id": i}) for obj in changed for i in obj._import_interest_ids],
        batch_size=1000,
    )


def _write_log(resource: KoppelResource, kind: str, headers: list[str], *, by: User) -> None:
    model_name = resource._meta.model._meta.model_name
    created = [obj for obj, is_new in resource.saved if is_new]
    log_actions_bulk(created, f"people.{model_name}.imported", by=by, fields=headers)
    by_fields: dict[tuple, list] = defaultdict(list)
    for obj, is_new in resource.saved:
        if not is_new:
            by_fields[tuple(obj._import_changed)].append(obj)
    for fields, objs in by_fields.items():
        log_actions_bulk(objs, f"people.{model_name}.changed", by=by, fields=fields)


# --- Exporting --------------------------------------------------------------------------------------


def people_to_export(
    kind: str, programme: Programme, user: AnyUser
) -> QuerySet[Mentor] | QuerySet[Youth] | QuerySet[Guardian]:
    """The people of `programme` that `user` can see (guardians: of its youth, or not yet linked)."""
    if kind == "mentor":
        return mentors_visible_to(user).filter(programme=programme).prefetch_related("interests")
    if kind == "youth":
        # The programme is one of the user's (the form offers no other), so the staff's youth of it
        # are all the youth of it the user can see.
        return staff_youth(user).filter(programme=programme).prefetch_related("interests")
    return (
        guardians_visible_to(user)
        .filter(
            Q(pk__in=Youth.objects.filter(programme=programme).values("guardianships__guardian_id"))
            | Q(organisation_id=programme.organisation_id, guardianships__isnull=True)
        )
        .distinct()
    )


@transaction.atomic
def export_people(kind: str, programme: Programme, *, by: User, fmt: str) -> tuple[bytes, int]:
    """The people as a CSV or XLSX file and their number. Side effect: one activity-log entry on the
    programme ("people.exported"), since an export is an access to personal data."""
    if fmt not in FORMATS:
        raise DomainError(_("Choose CSV or XLSX."))
    queryset = people_to_export(kind, programme, by).order_by("last_name", "first_name", "pk")
    dataset = RESOURCES[kind](programme=programme, user=by).export(queryset)
    log_action(programme, "people.exported", by=by, data={"kind": kind, "rows": len(dataset)})
    # Every CSV cell quoted: a program that splits cells at ";" (Dutch Excel) keeps each cell whole.
    content = dataset.export(fmt, quoting=csv.QUOTE_ALL) if fmt == "csv" else dataset.export(fmt)
    if isinstance(content, str):
        # With a byte-order mark, Excel opens the UTF-8 file with its accents intact.
        content = ("\ufeff" + content).encode("utf-8")
    return content, len(dataset)
