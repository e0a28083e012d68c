"""Write an export's sheets as XLSX, CSV, JSON or a ZIP, streaming row by row.

Formats:
- xlsx: one workbook, a sheet per table, written in openpyxl's write-only mode. Shares and
  rates are numbers from 0 to 1 shown with a percentage format.
- csv: a ZIP holding one UTF-8 CSV per sheet (read-me.csv, sign-off.csv, scores.csv,
  triangulation.csv, quotes.csv, media.csv, engagement-record.csv), each with a header row.
  One file per sheet keeps every table whole, and the ZIP keeps them together.
- json: one document following exports/schema/export-v2.schema.json.
- zip: the workbook, the two triangulation charts as SVG with an HTML table of the same
  data, and the media files people agreed may be shown, under media/.
In XLSX and CSV a hidden figure is a blank cell; in JSON it is null. Text that could start
a formula is neutralised in XLSX and CSV; JSON carries the words exactly, having no cells.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from exports.charts import matrix_svg, matrix_table_html
from exports.content import (
    SCHEMA_VERSION,
    Progress,
    Sheet,
    Tally,
    build_sheets,
    media_is_exportable,
    owner,
    period,
    published_tables,
)
from exports.records import ExportInput
from exports.safety import neutralise
from exports.triangulation import Tables

FORMATS = ("xlsx", "csv", "json", "zip")
SCHEMA_PATH = Path(__file__).parent / "schema" / "export-v2.schema.json"
PERCENT_FORMAT = "0%"


def _cell(value):
    return "" if value is None else neutralise(value)


def _percent_cell(worksheet, value) -> WriteOnlyCell:
    """Return a share as a number cell that shows as a percentage; None stays blank."""
    cell = WriteOnlyCell(worksheet, value=value)
    cell.number_format = PERCENT_FORMAT
    return cell


def _csv_name(sheet: Sheet) -> str:
    return sheet.name.lower().replace(" ", "-") + ".csv"


def write_xlsx(
    data: ExportInput, target, progress: Progress | None = None, tables: Tables | None = None
) -> Tally:
    """Write the workbook to a path or binary file; return what it held."""
    tally = Tally()
    workbook = Workbook(write_only=True)
    for sheet in build_sheets(data, progress, tally, tables):
        worksheet = workbook.create_sheet(sheet.name)
        worksheet.append(sheet.headers)
        percent = [field in sheet.percent for field in sheet.fields]
        for row in sheet.rows:
            worksheet.append(
                [
                    _percent_cell(worksheet, value) if is_percent else _cell(value)
                    for value, is_percent in zip(row, percent, strict=True)
                ]
            )
    workbook.save(target)
    return tally


def write_csv(data: ExportInput, target, progress: Progress | None = None) -> Tally:
    """Write a ZIP of one CSV per sheet to a path or binary file; return what it held."""
    tally = Tally()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for sheet in build_sheets(data, progress, tally):
            with (
                archive.open(_csv_name(sheet), "w") as raw,
                io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as text,
            ):
                writer = csv.writer(text)
                writer.writerow(sheet.headers)
                for row in sheet.rows:
                    writer.writerow([_cell(value) for value in row])
    return tally


def write_json(data: ExportInput, target, progress: Progress | None = None) -> Tally:
    """Write the JSON document to a path or text file; return what it held."""
    tally = Tally()
    if isinstance(target, str | Path):
        with open(target, "w", encoding="utf-8") as handle:
            return write_json(data, handle, progress)
    c = data.campaign
    head = {
        "schema": "engage-export",
        "schema_version": SCHEMA_VERSION,
        "campaign": {
            "code": c.code,
            "title": c.title,
            "framework": c.framework,
            "statements": [{"id": s.id, "name": s.name, "theme": s.theme} for s in c.statements],
            "opens_at": c.opens_at,
            "closes_at": c.closes_at,
            "exported_at": c.exported_at,
            "figures_from": c.figures_from or c.exported_at,
            "period": period(c),
            "owner": owner(c),
            "is_demo": c.is_demo,
            "min_group_size": c.min_group_size,
            "min_cell_count": c.min_cell_count,
        },
    }
    target.write(json.dumps(head, ensure_ascii=False)[:-1])
    for sheet in build_sheets(data, progress, tally):
        target.write(f', "{sheet.key}": [')
        for index, row in enumerate(sheet.rows):
            if index:
                target.write(",\n")
            target.write(json.dumps(dict(zip(sheet.fields, row, strict=True)), ensure_ascii=False))
        target.write("]")
    target.write("}\n")
    return tally


def write_zip(data: ExportInput, target, progress: Progress | None = None) -> Tally:
    """Write a ZIP of the workbook, the charts and the consented media files.

    The charts show the same suppressed tables as the workbook, built once.
    """
    media = list(data.media)
    data = ExportInput(
        data.campaign, data.answers, data.quotes, media, list(data.participants), data.sign_off
    )
    tables = published_tables(data, progress)
    workbook = io.BytesIO()
    tally = write_xlsx(data, workbook, progress, tables)
    c = data.campaign
    by_group, by_how = tables.by_group, tables.by_how
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{c.code}-evidence.xlsx", workbook.getvalue())
        for matrix, stem, title in (
            (by_group, "triangulation-groups", "Share positive by respondent group"),
            (by_how, "triangulation-answered-how", "Share positive by how people answered"),
        ):
            archive.writestr(f"charts/{stem}.svg", matrix_svg(matrix, title, id_prefix=stem))
            archive.writestr(f"charts/{stem}.html", _table_page(matrix_table_html(matrix, title)))
        for item in media:
            if media_is_exportable(item) and item.file_name and item.source_path:
                archive.write(item.source_path, f"media/{item.file_name}")
    return tally


def _table_page(table: str) -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>'
        "Triangulation table</title></head><body><h1>Triangulation table</h1>"
        f"{table}</body></html>"
    )


WRITERS = {"xlsx": write_xlsx, "csv": write_csv, "json": write_json, "zip": write_zip}
