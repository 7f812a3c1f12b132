"""Reading an uploaded spreadsheet (XLSX or CSV) into header cells and rows of plain values,
refusing anything that is not what it claims to be before a parser spends time or memory on it.

Cells come out as JSON-friendly values: text, numbers, ISO dates ("2014-06-01"), or
{"error": ...} for a formula without a stored value or with an error value. Nothing here
evaluates a formula.
"""

import codecs
import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError, iterparse

from django.utils.translation import gettext_lazy as _
from openpyxl import load_workbook

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
# An XLSX is a zip: a few kilobytes can expand to gigabytes (a "zip bomb"). Real workbooks of
# 20,000 rows unpack to a few tens of megabytes at ratios well under 100.
MAX_UNPACKED = 100 * 1024 * 1024
MAX_RATIO = 200
MAX_ENTRIES = 1000
MAX_CELL_CHARS = 10_000
MAX_COLUMNS = 100
_XLSX_ERRORS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPREADSHEET_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


class ImportFileError(Exception):
    """The file as a whole cannot be imported; the message says why, in the user's language."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass
class Table:
    headers: list[str]
    rows: list[list] = field(default_factory=list)


def read_upload(upload) -> Table:
    """The first sheet of an uploaded XLSX, or a CSV, as a Table; raises ImportFileError."""
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ImportFileError(
            _("The file is larger than %(mb)d MB. Split it into smaller files.")
            % {"mb": MAX_BYTES // (1024 * 1024)}
        )
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    name = (getattr(upload, "name", "") or "").lower()
    if data.startswith(b"PK\x03\x04"):
        table = _read_xlsx(data)
    elif name.endswith((".xlsx", ".xlsm")):
        raise ImportFileError(
            _("This file is called .xlsx but is not an Excel workbook (it may be damaged).")
        )
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            _("This is an old Excel file (.xls). Save it as .xlsx or CSV and upload it again.")
        )
    elif data.startswith(b"%PDF") or (
        b"\x00" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    ):
        raise ImportFileError(
            _("This is not a spreadsheet. Upload an .xlsx workbook or a CSV file.")
        )
    else:
        table = _read_csv(data)
    return _trimmed(table)


def _trimmed(table: Table) -> Table:
    """Without empty rows and trailing empty columns; refuses a table with no header or rows."""
    headers = [_text(h) if h is not None else "" for h in table.headers]
    while headers and not headers[-1]:
        headers.pop()
    if not any(headers):
        raise ImportFileError(_("The first row must hold the column headings; it is empty."))
    if len(headers) > MAX_COLUMNS:
        raise ImportFileError(_("The file has too many columns."))
    width = len(headers)
    rows = []
    for row in table.rows:
        cells = list(row[:width]) + [None] * (width - len(row[:width]))
        if any(c not in (None, "") for c in cells):
            rows.append(cells)
        else:
            rows.append(None)  # keeps the row numbers the user sees in the spreadsheet
    while rows and rows[-1] is None:
        rows.pop()
    if not any(r is not None for r in rows):
        raise ImportFileError(_("The file has column headings but no rows to import."))
    return Table(headers=headers, rows=rows)


def _too_many_rows() -> ImportFileError:
    return ImportFileError(
        _("The file has more than %(rows)s rows. Split it into smaller files.")
        % {"rows": f"{MAX_ROWS:,}"}
    )


def _text(value) -> str:
    text = _CONTROL.sub("", str(value)).strip()
    if len(text) > MAX_CELL_CHARS:
        text = text[:MAX_CELL_CHARS]
    return text


# XLSX ---------------------------------------------------------------------------------------


def _read_xlsx(data: bytes) -> Table:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise ImportFileError(
            _("The workbook is damaged and cannot be opened (not a valid zip archive).")
        ) from error
    unpacked = sum(e.file_size for e in entries)
    packed = sum(e.compress_size for e in entries) or 1
    if len(entries) > MAX_ENTRIES or unpacked > MAX_UNPACKED or unpacked / packed > MAX_RATIO:
        raise ImportFileError(
            _("The workbook unpacks to far more data than a spreadsheet holds; it was refused.")
        )
    names = {e.filename for e in entries}
    if "xl/workbook.xml" not in names:
        raise ImportFileError(
            _("This is not an Excel workbook. Upload an .xlsx workbook or a CSV file.")
        )
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on malformed parts
        raise ImportFileError(_("The workbook is damaged and cannot be read.")) from error
    try:
        if not workbook.worksheets:
            raise ImportFileError(_("The workbook has no sheet."))
        sheet = workbook.worksheets[0]
        unvalued = _formulas_without_value(archive, getattr(sheet, "_worksheet_path", ""))
        rows = []
        for index, row in enumerate(sheet.iter_rows(values_only=True)):
            if index > MAX_ROWS:
                raise _too_many_rows()
            rows.append(
                [
                    _xlsx_cell(value, (index + 1, column + 1) in unvalued)
                    for column, value in enumerate(row[: MAX_COLUMNS + 1])
                ]
            )
    except ImportFileError:
        raise
    except Exception as error:
        raise ImportFileError(_("The workbook is damaged and cannot be read.")) from error
    finally:
        workbook.close()
    if not rows:
        raise ImportFileError(_("The file is empty."))
    return Table(headers=rows[0], rows=rows[1:])


def _xlsx_cell(value, formula_without_value: bool):
    if formula_without_value:
        return {"error": "formula"}
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.time | datetime.timedelta):
        return str(value)
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, int):
        return value
    text = _text(value)
    if text in _XLSX_ERRORS:
        return {"error": text}
    return text


_CELL_REF = re.compile(r"([A-Z]+)(\d+)")


def _formulas_without_value(archive: zipfile.ZipFile, path: str) -> set[tuple[int, int]]:
    """Cells of the sheet holding a formula but no stored result: openpyxl (data_only) reads
    them as empty, which would silently import a blank. Only parsed if the sheet has formulas."""
    path = path.lstrip("/")
    if not path or path not in archive.namelist():
        return set()
    with archive.open(path) as part:
        raw = part.read()
    if b"<f" not in raw and b":f>" not in raw and b":f " not in raw:
        return set()
    found = set()
    try:
        # The part's size is capped above; expat (>= 2.4) refuses entity-expansion bombs and
        # ElementTree resolves no external entities (defusedxml is not a dependency).
        for _event, element in iterparse(io.BytesIO(raw)):  # noqa: S314
            if element.tag != f"{_SPREADSHEET_NS}c":
                continue
            formula = element.find(f"{_SPREADSHEET_NS}f")
            value = element.find(f"{_SPREADSHEET_NS}v")
            if formula is not None and (value is None or not (value.text or "")):
                match = _CELL_REF.fullmatch(element.get("r", ""))
                if match:
                    found.add((int(match[2]), _column_number(match[1])))
            element.clear()
    except ParseError as error:
        raise ImportFileError(_("The workbook is damaged and cannot be read.")) from error
    return found


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


# CSV ----------------------------------------------------------------------------------------


def _decode(data: bytes) -> str:
    """UTF-8 (with or without the BOM Excel writes), else Windows-1251 (Excel's "CSV" in a
    Russian or Tajik Windows)."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise ImportFileError(_("The file's text encoding is not readable.")) from error
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1251")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            _("The file's text encoding is not readable. Save it as CSV UTF-8.")
        ) from error


def _delimiter(text: str) -> str:
    """The delimiter of the header line: Excel writes ";" where the decimal mark is a comma
    (Russian, Tajik settings) and "," elsewhere."""
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _read_csv(data: bytes) -> Table:
    text = _decode(data).replace("\x00", "")
    if not text.strip():
        raise ImportFileError(_("The file is empty."))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    rows = []
    try:
        for index, row in enumerate(reader):
            if index > MAX_ROWS:
                raise _too_many_rows()
            rows.append([_text(c) if c.strip() else None for c in row[: MAX_COLUMNS + 1]])
    except csv.Error as error:
        raise ImportFileError(
            _("The CSV file is malformed near line %(line)d.") % {"line": reader.line_num}
        ) from error
    if not rows:
        raise ImportFileError(_("The file is empty."))
    return Table(headers=rows[0], rows=rows[1:])
