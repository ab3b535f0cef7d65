"""Spreadsheet files, a row at a time: CSV (UTF-8, header row) and XLSX read as streams, and
CSV written as a stream, so that a file of any length runs in bounded memory.

Cells that a spreadsheet program would run as a formula (``=…``, ``@…``, ``+A1``) are written
with a leading ``'`` and read back without it, so that an exported file is safe to open and
still imports back to the same values.
"""

import codecs
import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from typing import IO

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

XLSX_MAGIC = b"PK\x03\x04"
PLAIN_NUMBER = re.compile(r"[+-][\d\s().]*")
#: csv.field_size_limit is process-wide; a cell longer than this is refused by the reader.
csv.field_size_limit(1024 * 1024)


class FileRefused(ValueError):
    """A file that cannot be read as a spreadsheet; the message names where and why."""


def read_rows(file: IO[bytes]) -> Iterator[tuple[int, list[str]]]:
    """``(line, cells)`` for every row, the header first (line 1); rows without any value are
    skipped. XLSX is recognised by its content, anything else is read as CSV."""
    start = file.read(4)
    file.seek(0)
    rows = _xlsx_rows(file) if start == XLSX_MAGIC else _csv_rows(file)
    for line, cells in enumerate(rows, start=1):
        if line == 1 or any(cells):
            yield line, cells


def _csv_rows(file: IO[bytes]) -> Iterator[list[str]]:
    text = io.TextIOWrapper(file, encoding="utf-8-sig", newline="")
    reader = csv.reader(text)
    try:
        for cells in reader:
            yield [unescape(cell) for cell in cells]
    except UnicodeDecodeError as error:
        raise FileRefused(f"Line {reader.line_num + 1} is not UTF-8 text: save the file as CSV UTF-8.") from error
    except csv.Error as error:
        raise FileRefused(f"Line {reader.line_num}: {error}.") from error
    finally:
        if not text.closed:  # hand the binary file back open to its owner
            text.detach()


def _xlsx_rows(file: IO[bytes]) -> Iterator[list[str]]:
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as error:
        raise FileRefused(f"The file is not a readable XLSX workbook ({error}).") from error
    try:
        for values in workbook.active.iter_rows(values_only=True):
            yield [unescape(cell_text(value)) for value in values]
    finally:
        workbook.close()


def cell_text(value: object) -> str:
    """An XLSX cell as the text a CSV cell would hold (whole numbers without ``.0``, dates
    as ``YYYY-MM-DD``)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def formula_like(text: str) -> bool:
    if not text:
        return False
    if text[0] in "=@\t\r":
        return True
    if text[0] in "+-":
        return not PLAIN_NUMBER.fullmatch(text)
    return text[0] == "'" and formula_like(text[1:])


def escape(text: str) -> str:
    return "'" + text if formula_like(text) else text


def unescape(text: str) -> str:
    return text[1:] if text.startswith("'") and formula_like(text[1:]) else text


class _Line:
    """A file-like object that hands back what the csv writer writes to it."""

    def write(self, text: str) -> str:
        return text


def csv_lines(rows: Iterable[Iterable[str]]) -> Iterator[str]:
    """Each row as one CSV line (a byte-order mark first, so spreadsheet programs read the
    file as UTF-8)."""
    writer = csv.writer(_Line())
    yield codecs.BOM_UTF8.decode()
    for row in rows:
        yield writer.writerow([escape(cell) for cell in row])
