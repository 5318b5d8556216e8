"""A Matrix (or a report table) to an .xlsx workbook with openpyxl.

Guarantees: every value is written as text, never as a formula (a cell that starts with = + - @
is stored as a string with Excel's quote prefix, so editing it keeps it text); fixed columns are
locked under sheet protection without a password (a guard against slips, not security) and answer
columns are unlocked; the bytes are the same on every run (fixed docProps dates and zip entry
dates, entries in a fixed order).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from clausegen.errors import Diagnostic, RenderError
from clausegen.matrices import Column, Matrix
from clausegen.models.document import Document
from clausegen.rendering.ooxml import (
    CUSTOM_PART,
    core_properties,
    custom_properties,
    custom_properties_xml,
    normalise_zip,
)

META_SHEET = "clausegen"
INSTRUCTIONS_SHEET = "Instructions"
TENDERER_CELL = "B3"
LINE_POINTS = 15.0  # one line of 11 pt text
MAX_CELL = 32767  # Excel's limit on the characters in one cell
INJECTION_LEADS = ("=", "+", "-", "@", "\t", "\r")
_WRAP = Alignment(wrap_text=True, vertical="top")
_HEAD_FONT = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="D9D9D9")
_ANSWER_FILL = PatternFill("solid", fgColor="FFF8DC")
_UNLOCKED = Protection(locked=False)


@dataclass(frozen=True)
class Sheet:
    """A plain table sheet for reports: a header row and text rows, all locked."""

    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]


def text_cell(ws: Worksheet, row: int, column: int, value: str, where: str) -> Cell:
    """Put `value` in the cell as a string, whatever it starts with."""
    if len(value) > MAX_CELL:
        raise RenderError(Diagnostic(where, None, f"{ws.title}!{get_column_letter(column)}{row}",
                                     f"{len(value)} characters; a spreadsheet cell holds at most {MAX_CELL}"))
    cell = ws.cell(row=row, column=column)
    cell.value = value
    cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
    if value.startswith(INJECTION_LEADS):
        cell.quotePrefix = True
    return cell


def write_matrix(matrix: Matrix, document: Document, created: dt.datetime, custom: dict[str, str]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    if matrix.ask_tenderer:
        _instructions(wb.create_sheet(INSTRUCTIONS_SHEET, 0), matrix)
    ws.title = matrix.sheet
    _table(ws, matrix.columns, matrix.rows, matrix.document_id)
    _print_setup(ws, matrix.title, matrix.marking)
    for index, column in enumerate(matrix.columns, start=1):
        if column.choices:
            _drop_down(ws, index, len(matrix.rows), column)
    _meta_sheet(wb.create_sheet(META_SHEET), matrix)
    wb.active = 0
    return save(wb, document, created, custom)


def write_sheets(sheets: tuple[Sheet, ...], document: Document, created: dt.datetime,
                 custom: dict[str, str]) -> bytes:
    """A report workbook: one locked table per sheet; `document` is the report the workbook goes with."""
    title, marking = document.title, document.marking
    wb = Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    for sheet in sheets:
        ws = wb.create_sheet(sheet.title)
        _table(ws, sheet.columns, sheet.rows, title)
        _print_setup(ws, title, marking)
    return save(wb, document, created, custom)


def _table(ws: Worksheet, columns: tuple[Column, ...], rows: tuple[tuple[str, ...], ...], where: str) -> None:
    for c, column in enumerate(columns, start=1):
        cell = text_cell(ws, 1, c, column.title, where)
        cell.font, cell.fill, cell.alignment = _HEAD_FONT, _HEAD_FILL, _WRAP
        ws.column_dimensions[get_column_letter(c)].width = column.width
    for r, values in enumerate(rows, start=2):
        for c, (column, value) in enumerate(zip(columns, values, strict=False), start=1):
            cell = text_cell(ws, r, c, value, where)
            cell.alignment = _WRAP
            if column.answer:
                cell.protection, cell.fill = _UNLOCKED, _ANSWER_FILL
        ws.row_dimensions[r].height = row_height(columns, values)
    ws.freeze_panes = "B2"
    ws.protection.sheet = True  # no password: it guards against slips, not against intent
    ws.protection.formatColumns = False  # still allowed: widen columns and rows to read
    ws.protection.formatRows = False


def row_height(columns: tuple[Column, ...], values: tuple[str, ...]) -> float:
    """Points for a row whose wrapped text shows whole. Spreadsheet programs do not size rows of a
    generated file themselves, so this estimates the lines (a character a width unit, less two
    for the words that do not fit at the end of a line)."""
    lines = 1
    for column, value in zip(columns, values, strict=False):
        per_line = max(1, column.width - 2)
        lines = max(lines, sum(max(1, -(-len(part) // per_line)) for part in value.split("\n")))
    return min(409.0, max(lines, 2) * LINE_POINTS + 3)


def _drop_down(ws: Worksheet, column: int, count: int, spec: Column) -> None:
    letter = get_column_letter(column)
    validation = DataValidation(type="list", formula1='"' + ",".join(spec.choices) + '"', allow_blank=True,
                                showErrorMessage=True, errorTitle=spec.title,
                                error="Choose " + ", ".join(spec.choices[:-1]) + " or " + spec.choices[-1] + ".")
    validation.add(f"{letter}2:{letter}{count + 1}")
    ws.add_data_validation(validation)


def _header_text(text: str) -> str:
    return text.replace("&", "&&")  # & starts a code in print headers


def _print_setup(ws: Worksheet, title: str, marking: str, grid: bool = True) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    ws.print_options.gridLines = grid
    for header in (ws.oddHeader, ws.evenHeader, ws.firstHeader):
        header.left.text = _header_text(title)
        header.right.text = _header_text(marking)
    for footer in (ws.oddFooter, ws.evenFooter, ws.firstFooter):
        footer.center.text = "Page &P of &N"
        footer.right.text = _header_text(marking)


def _instructions(ws: Worksheet, matrix: Matrix) -> None:
    text_cell(ws, 1, 1, matrix.title, matrix.document_id).font = Font(bold=True, size=14)
    text_cell(ws, 2, 1, matrix.subtitle, matrix.document_id)
    text_cell(ws, 3, 1, "Tenderer", matrix.document_id).font = _HEAD_FONT
    name = ws[TENDERER_CELL]
    name.protection, name.fill = _UNLOCKED, _ANSWER_FILL
    for r, line in enumerate(matrix.instructions, start=5):
        text_cell(ws, r, 1, line, matrix.document_id)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=2)
        ws.cell(r, 1).alignment = _WRAP
        ws.row_dimensions[r].height = row_height((Column("", 100),), (line,)) - LINE_POINTS
    text_cell(ws, 5 + len(matrix.instructions) + 1, 1, f"Classification: {matrix.marking}", matrix.document_id)
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 90
    ws.protection.sheet = True
    _print_setup(ws, matrix.title, matrix.marking, grid=False)


def _meta_sheet(ws: Worksheet, matrix: Matrix) -> None:
    """What an answered matrix is checked against: format, profile, library, one hash per row."""
    for r, (key, value) in enumerate(matrix.metadata, start=1):
        text_cell(ws, r, 1, key, matrix.document_id)
        text_cell(ws, r, 2, value, matrix.document_id)
    start = len(matrix.metadata) + 2
    text_cell(ws, start, 1, "id", matrix.document_id)
    text_cell(ws, start, 2, "sha256", matrix.document_id)
    for r, (row, digest) in enumerate(zip(matrix.rows, matrix.hashes, strict=False), start=start + 1):
        text_cell(ws, r, 1, row[0], matrix.document_id)
        text_cell(ws, r, 2, digest, matrix.document_id)
    ws.column_dimensions["B"].width = 70
    ws.sheet_state = "hidden"
    ws.protection.sheet = True


# python-docx's names of the core properties (ooxml.core_properties) as openpyxl calls them.
_XLSX_NAMES = {"author": "creator", "comments": "description", "last_modified_by": "lastModifiedBy",
               "content_status": "contentStatus"}


def save(wb: Workbook, document: Document, created: dt.datetime, custom: dict[str, str]) -> bytes:
    """The workbook's bytes, reproducible: fixed dates in docProps and in the zip. Its core and
    custom properties are those the document's DOCX has."""
    props = wb.properties
    for name, value in core_properties(document).items():
        setattr(props, _XLSX_NAMES.get(name, name), str(value) if value != "" else None)
    props.created = props.modified = created.replace(tzinfo=None)
    custom = custom_properties(document, custom)
    for name, value in sorted(custom.items()):  # declares the part; its text is written as the DOCX's is
        wb.custom_doc_props.append(StringProperty(name=name, value=value))
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()  # not save_workbook(): it stamps the clock into docProps
    return normalise_zip(raw.getvalue(), {CUSTOM_PART: custom_properties_xml(custom)} if custom else None)

