"""Files for the import tests, made on the fly: honest ones and hostile ones."""

import csv
import io
import zipfile
import zlib
from datetime import date, datetime

import xlsxwriter

LONG_HEADER = ["kpi_code", "period_end", "value", "numerator", "denominator", "area", "note"]

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Figures" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)
SHEET_OPEN = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_CLOSE = "</sheetData></worksheet>"


def csv_bytes(rows, *, encoding="utf-8", bom=False, delimiter=",") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    data = buffer.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def xlsx_bytes(rows, *, first_row: int = 0, first_col: int = 0) -> bytes:
    """A real workbook (xlsxwriter), dates as Excel date cells."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    worksheet = workbook.add_worksheet("Figures")
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for r, cells in enumerate(rows):
        for c, value in enumerate(cells):
            if isinstance(value, date | datetime):
                moment = (
                    value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
                )
                worksheet.write_datetime(first_row + r, first_col + c, moment, date_format)
            elif value is None or value == "":
                continue
            else:
                worksheet.write(first_row + r, first_col + c, value)
    workbook.close()
    return buffer.getvalue()


def inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def number(ref: str, value) -> str:
    return f'<c r="{ref}"><v>{value}</v></c>'


def crafted_xlsx(sheet_xml: str, *, extra: dict | None = None, compression=zipfile.ZIP_DEFLATED) -> bytes:
    """A workbook assembled by hand, to say exactly what is in it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def sheet(*rows: str) -> str:
    return SHEET_OPEN + "".join(rows) + SHEET_CLOSE


def row(number: int, *cells: str) -> str:
    return f'<row r="{number}">' + "".join(cells) + "</row>"


def lying_zip(real: bytes, *, declared_size: int) -> bytes:
    """The workbook with its sheet claiming to unpack to only ``declared_size`` bytes,
    its checksum forged to match that much, as a crafted zip bomb would."""
    archive = zipfile.ZipFile(io.BytesIO(real))
    info = archive.getinfo("xl/worksheets/sheet1.xml")
    crc = zlib.crc32(archive.read(info)[:declared_size]).to_bytes(4, "little")
    size = declared_size.to_bytes(4, "little")
    data = bytearray(real)
    local = info.header_offset  # local header: CRC at 14, unpacked size at 22
    data[local + 14 : local + 18] = crc
    data[local + 22 : local + 26] = size
    position = real.find(b"PK\x01\x02")  # central directory: CRC at 16, unpacked size at 24
    while position >= 0:
        name_length = int.from_bytes(real[position + 28 : position + 30], "little")
        if real[position + 46 : position + 46 + name_length] == info.filename.encode():
            data[position + 16 : position + 20] = crc
            data[position + 24 : position + 28] = size
        position = real.find(b"PK\x01\x02", position + 4)
    return bytes(data)
