"""Tables as downloads: CSV (UTF-8 with a byte-order mark, so spreadsheet programs read the
Chinese headers) and XLSX workbooks made with openpyxl. Headers come from the catalogue
(`appraisal.column.*`), Chinese unless the caller asks for English.

A cell that starts like a formula (`=`, `+`, `-`, `@`) is written as text: in the CSV with a
leading apostrophe, in the workbook as a string cell. Names and departments are typed by
people, and a download must never run what they typed.
"""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal
from urllib.parse import quote

from fastapi.responses import Response
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from jindu.i18n import t

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
Kind = Literal["text", "int", "number", "yuan"]
NUMBER_FORMATS = {"int": "0", "number": "0.00", "yuan": "#,##0.00"}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    field: str
    kind: Kind = "number"

    def header(self, area: str, lang: str) -> str:
        return t(f"{area}.column.{self.field}", lang)


@dataclass
class Sheet:
    title: str
    headers: list[str]
    rows: list[list[Any]]
    kinds: list[Kind] = field(default_factory=list)
    widths: list[int] = field(default_factory=list)


def cells(columns: Sequence[Column], row: dict[str, Any]) -> list[Any]:
    return [row.get(c.field) for c in columns]


def _text_safe(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_bytes(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else _text_safe(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for sheet in sheets:
        ws = book.create_sheet(title=_sheet_title(sheet.title))
        ws.append(sheet.headers)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for r, row in enumerate(sheet.rows, start=2):
            for c, value in enumerate(row, start=1):
                if value is None:
                    continue
                cell = ws.cell(row=r, column=c, value=float(value) if isinstance(value, Decimal) else value)
                if isinstance(value, str):
                    cell.data_type = "s"  # never a formula
                kind = sheet.kinds[c - 1] if c <= len(sheet.kinds) else "text"
                if kind in NUMBER_FORMATS:
                    cell.number_format = NUMBER_FORMATS[kind]
        for c, header in enumerate(sheet.headers, start=1):
            width = sheet.widths[c - 1] if c <= len(sheet.widths) else max(10, 2 * len(header) + 2)
            ws.column_dimensions[get_column_letter(c)].width = width
        ws.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_title(title: str) -> str:
    for ch in "[]:*?/\\":
        title = title.replace(ch, " ")
    return title[:31] or "Sheet"


def download(content: bytes, media_type: str, filename: str) -> Response:
    """An attachment; `filename` may hold Chinese (RFC 6266 `filename*`), with an ASCII fallback."""
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    return Response(content, media_type=media_type, headers={"Content-Disposition": disposition})


# Building a workbook of a large scorecard takes tens of milliseconds of pure Python: done in
# a worker thread, so the event loop keeps answering other requests (/healthz) meanwhile.
async def csv_file(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    return await asyncio.to_thread(csv_bytes, headers, rows)


async def xlsx_file(sheets: Sequence[Sheet]) -> bytes:
    return await asyncio.to_thread(xlsx_bytes, sheets)
