"""Load an answered compliance matrix (.xlsx) and check it against the matrix the profile builds now.

Tenderers open the matrix in Excel or LibreOffice and save it again, so nothing here relies on
how clausegen wrote the file: the hidden sheet's values, the header and requirement cells are
compared as text. Every problem is an error naming the file, the sheet and the cell.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from clausegen.errors import Collector, Diagnostic, InputError, display_path
from clausegen.export.xlsx import INSTRUCTIONS_SHEET, META_SHEET, TENDERER_CELL
from clausegen.matrices import ANSWERS, Matrix, row_hash
from clausegen.syntax import template_residue

MAX_FILE_BYTES = 10_000_000
MAX_MEMBERS = 2_000
MAX_INFLATED = 100_000_000
_CFB = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an OLE compound file: encrypted OOXML, or an old .xls
_ENCRYPTION = "EncryptionInfo".encode("utf-16-le")


@dataclass(frozen=True)
class Answer:
    id: str
    complies: str  # yes | partly | no | "" (no answer)
    description: str
    evidence: str
    cell: str  # where `complies` is, e.g. Requirements!F7
    description_cell: str
    evidence_cell: str


@dataclass(frozen=True)
class AnsweredMatrix:
    file: str  # as the user named it
    sha256: str
    tenderer: str  # Instructions!B3, else the file's name
    answers: tuple[Answer, ...]  # in the matrix's order
    named: bool = True  # False when B3 was empty and `tenderer` is the file's name
    stray: tuple[tuple[str, str], ...] = ()  # (cell, text) written outside the answer cells: maybe a reservation


class _Refused(Exception):
    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


def load_answers(path: Path, expected: Matrix) -> AnsweredMatrix:
    """Raise InputError with every problem found; the answers only when there is none."""
    file = display_path(path)
    try:
        data = _read_bytes(path)
        workbook = _open(data)
    except _Refused as e:
        raise InputError(Diagnostic(file, None, "", e.message, e.hint)) from e
    out = Collector()
    _check_meta(workbook, expected, file, out)
    out.raise_if_any()
    answers = _rows(workbook, expected, file, out)
    out.raise_if_any()
    tenderer = _tenderer(workbook, file, out)
    out.raise_if_any()
    return AnsweredMatrix(file, hashlib.sha256(data).hexdigest(), tenderer or path.stem, answers, bool(tenderer),
                          _stray(workbook, expected))


def _stray(workbook: Any, expected: Matrix) -> tuple[tuple[str, str], ...]:
    """Text a tenderer wrote where no answer belongs (after unprotecting the sheet): right of the
    answer columns, or on the Instructions sheet beside its name. It is kept for the evaluator to
    read, because a reservation written there would otherwise reach no one."""
    found = []
    ws = workbook[expected.sheet]
    for row in ws.iter_rows(min_col=len(expected.columns) + 1):
        found += [(f"{expected.sheet}!{c.coordinate}", _text(c.value).strip()) for c in row if _text(c.value).strip()]
    if INSTRUCTIONS_SHEET in workbook.sheetnames:
        lines = len(expected.instructions)
        issued = {"A1", "A2", "A3", TENDERER_CELL, f"A{5 + lines + 1}"} | {f"A{r}" for r in range(5, 5 + lines)}
        found += [(f"{INSTRUCTIONS_SHEET}!{c.coordinate}", _text(c.value).strip())
                  for row in workbook[INSTRUCTIONS_SHEET].iter_rows() for c in row
                  if c.coordinate not in issued and _text(c.value).strip()]
    return tuple(found)


def _tenderer(workbook: Any, file: str, out: Collector) -> str:
    """The name in Instructions!B3; it heads the tenderer's column in the report."""
    if INSTRUCTIONS_SHEET not in workbook.sheetnames:
        return ""
    name = _text(workbook[INSTRUCTIONS_SHEET][TENDERER_CELL].value).strip()
    where = f"{INSTRUCTIONS_SHEET}!{TENDERER_CELL}"
    if "\n" in name or len(name) > 200:
        out.add(file, None, where, "the tenderer's name must be one line of at most 200 characters")
    elif problem := _unshowable(name):
        out.add(file, None, where, problem)
    return name


def _unshowable(text: str) -> str:
    """Answers go into documents verbatim; what clausegen refuses in any document is refused here."""
    if "\t" in text:
        return "contains a tab, which documents cannot show as typed; use spaces"
    residue = template_residue(text)
    if residue:
        return f"contains {residue!r}, which clausegen refuses in documents as template syntax; write it otherwise"
    return ""


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise _Refused(f"the file is {size} bytes; an answered matrix may be at most {MAX_FILE_BYTES}",
                           "remove embedded pictures or attachments and save it again")
        data = path.read_bytes()
    except OSError as e:
        raise _Refused(f"cannot read the file: {e.strerror or e}") from e
    if data.startswith(_CFB):
        if _ENCRYPTION in data:
            raise _Refused("the workbook is password-protected (encrypted), so it cannot be read",
                           "ask the tenderer for a copy saved without a password to open")
        raise _Refused("this is an Excel 97-2003 (.xls) file, not an .xlsx workbook",
                       "open it and save it as Excel Workbook (.xlsx)")
    if not data.startswith(b"PK\x03\x04"):
        raise _Refused("not a workbook: an .xlsx file is a zip archive, and this is not one",
                       "answer in the .xlsx matrix clausegen wrote, and save it as .xlsx")
    return data


def _open(data: bytes) -> Any:
    """The workbook, after the zip and its XML were checked against bombs and entity tricks."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > MAX_MEMBERS:
                raise _Refused(f"the workbook has {len(members)} parts; the limit is {MAX_MEMBERS}")
            total = 0
            for member in members:
                with archive.open(member) as handle:
                    head = b""
                    while chunk := handle.read(65536):
                        total += len(chunk)
                        if total > MAX_INFLATED:
                            raise _Refused(f"the workbook unpacks to more than {MAX_INFLATED} bytes",
                                           "this looks like a zip bomb, or the workbook holds large attachments")
                        head = head or chunk[:4096]
                    if member.filename.endswith((".xml", ".rels")) and b"<!DOCTYPE" in head:
                        raise _Refused(f"the part {member.filename} declares a DOCTYPE, which no spreadsheet "
                                       "program writes", "a DOCTYPE can declare entities that expand without end")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, EOFError, NotImplementedError,
            RuntimeError, ValueError) as e:
        raise _Refused(f"not a readable workbook: the zip archive is damaged ({e})",
                       "save it again as .xlsx") from e
    from openpyxl import load_workbook

    try:
        return load_workbook(io.BytesIO(data), data_only=False, keep_links=False, rich_text=False)
    except Exception as e:  # noqa: BLE001 - any failure of the parser on foreign bytes is the same answer
        raise _Refused(f"not a readable workbook: {type(e).__name__}: {e}", "save it again as .xlsx") from e


def _text(value: Any) -> str:
    """A cell's value as the text a person sees."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def _check_meta(workbook: Any, expected: Matrix, file: str, out: Collector) -> None:
    if META_SHEET not in workbook.sheetnames:
        out.add(file, None, f"sheet {META_SHEET}", "missing: this is not a compliance matrix written by clausegen, "
                "or its hidden sheet was deleted", "answer in the matrix clausegen wrote for this tender")
        return
    ws = workbook[META_SHEET]
    for r, (key, value) in enumerate(expected.metadata, start=1):
        found_key, found = _text(ws.cell(r, 1).value), _text(ws.cell(r, 2).value)
        if found_key != key:
            out.add(file, None, f"{META_SHEET}!A{r}", f"expected {key!r}, found {found_key!r}: the hidden sheet "
                    "was changed", "answer in the matrix clausegen wrote for this tender")
        elif found != value:
            out.add(file, None, f"{META_SHEET}!B{r}", f"the matrix was written for {key} {found!r}; "
                    f"this evaluation uses {key} {value!r}", _META_HINT.get(key, ""))
    if out.diagnostics:
        return
    start = len(expected.metadata) + 2
    issued = {}
    for r in range(start + 1, ws.max_row + 1):
        req_id, digest = _text(ws.cell(r, 1).value), _text(ws.cell(r, 2).value)
        if req_id:
            issued[req_id] = (digest, r)
    now = dict(zip((row[0] for row in expected.rows), expected.hashes, strict=False))
    for req_id, (digest, r) in issued.items():
        if req_id not in now:
            out.add(file, None, f"{META_SHEET}!A{r}", f"{req_id} was in the matrix as issued but is not in the "
                    "tender the profile builds now", _REISSUE)
        elif digest != now[req_id]:
            out.add(file, None, f"{META_SHEET}!B{r}", f"{req_id} has changed since the matrix was issued "
                    "(the profile, a parameter or the requirement text is not the same)", _REISSUE)
    for req_id in now.keys() - issued.keys():
        out.add(file, None, f"sheet {META_SHEET}", f"{req_id} is in the tender the profile builds now but was "
                "not in the matrix as issued", _REISSUE)


_REISSUE = "evaluate with the inputs the matrix was issued from, or issue the current matrix to the tenderers"
_META_HINT = {
    "profile": "evaluate each matrix against the profile of its own tender",
    "library": "evaluate with the clause library version the tender was issued with",
    "catalogue": "evaluate with the catalogue version and level the tender was issued with",
    "document": "answer in the tender-requirements matrix",
}


def _rows(workbook: Any, expected: Matrix, file: str, out: Collector) -> tuple[Answer, ...]:
    if expected.sheet not in workbook.sheetnames:
        out.add(file, None, f"sheet {expected.sheet}", "missing: the requirements sheet was renamed or deleted",
                "answer in the matrix as it was issued")
        return ()
    ws = workbook[expected.sheet]
    sheet = expected.sheet
    for c, column in enumerate(expected.columns, start=1):
        found = _text(ws.cell(1, c).value)
        if found != column.title:
            out.add(file, None, f"{sheet}!{_letter(c)}1", f"header {found!r} where {column.title!r} belongs",
                    "do not add, delete or move columns")
    if out.diagnostics:
        return ()
    fixed = len(expected.columns) - sum(1 for c in expected.columns if c.answer)
    want = {row[0]: (index, row[:fixed], digest)
            for index, (row, digest) in enumerate(zip(expected.rows, expected.hashes, strict=False))}
    seen: dict[str, int] = {}
    answers: list[tuple[int, Answer]] = []
    for r in range(2, ws.max_row + 1):
        cells = [ws.cell(r, c) for c in range(1, len(expected.columns) + 1)]
        values = tuple(_text(cell.value) for cell in cells)
        if not any(v.strip() for v in values):
            continue
        answer = _row(r, cells, values, fixed, want, seen, file, sheet, out)
        if answer is not None:
            answers.append((want[answer.id][0], answer))
    for req_id, (index, _, _) in want.items():
        if req_id not in seen:
            out.add(file, None, f"{sheet}!A{index + 2}", f"no row for {req_id}: the row was deleted",
                    "answer every requirement in the matrix as it was issued")
    return tuple(answer for _, answer in sorted(answers, key=lambda pair: pair[0]))


def _row(r: int, cells: list[Any], values: tuple[str, ...], fixed: int, want: dict, seen: dict[str, int],
         file: str, sheet: str, out: Collector) -> Answer | None:
    req_id = values[0]
    if req_id not in want:
        what = "no requirement id" if not req_id else f"{req_id!r} is not a requirement of this tender"
        out.add(file, None, f"{sheet}!A{r}", f"{what}", "do not add rows or change ids")
        return None
    if req_id in seen:
        out.add(file, None, f"{sheet}!A{r}", f"{req_id} appears twice (also in row {seen[req_id]})",
                "keep one row per requirement")
        return None
    seen[req_id] = r
    _, issued, digest = want[req_id]
    if row_hash(values[:fixed]) != digest:
        c = next((i for i, (a, b) in enumerate(zip(values[:fixed], issued, strict=False)) if a != b), 0)
        out.add(file, None, f"{sheet}!{_letter(c + 1)}{r}", f"the requirement text of {req_id} was edited: its hash "
                "no longer matches the tender", "restore the requirement columns; write comments in Description")
    for c in range(fixed, len(cells)):
        if cells[c].data_type == "f":
            out.add(file, None, f"{sheet}!{_letter(c + 1)}{r}", f"a formula ({values[c]}) where an answer belongs",
                    "type the answer as text")
    for c in range(fixed + 1, len(cells)):
        if problem := _unshowable(values[c]):
            out.add(file, None, f"{sheet}!{_letter(c + 1)}{r}", problem)
    complies = values[fixed].strip().lower()
    if complies not in ANSWERS and complies:
        out.add(file, None, f"{sheet}!{_letter(fixed + 1)}{r}", f"{values[fixed]!r} is not an answer",
                "write yes, partly or no")
    return Answer(req_id, complies, _answer(values[fixed + 1]), _answer(values[fixed + 2]),
                  f"{sheet}!{_letter(fixed + 1)}{r}", f"{sheet}!{_letter(fixed + 2)}{r}",
                  f"{sheet}!{_letter(fixed + 3)}{r}")


def _answer(value: str) -> str:
    return value if value.strip() else ""


def _letter(column: int) -> str:
    return get_column_letter(column)
