"""Opening a performance-data file safely: ``.xlsx`` through python-calamine, ``.csv``
through the csv module.

Every check that protects the server runs before a parser sees the file:

- the size limit (``KPI_IMPORT_MAX_BYTES``);
- the magic bytes: a file must be what its name says (an xlsx is a zip with a
  workbook in it; a csv is text, not a zip, a PDF or an old binary .xls);
- for an xlsx, each zip member is inflated once here, counting the real bytes rather
  than trusting the sizes the zip declares (a zip bomb lies about them);
- for an xlsx, the extent of each worksheet's non-empty cells. calamine holds a sheet
  as a dense block of rows × columns, so a single cell at XFD1048576 would make it
  ask for half a terabyte and abort the process.

calamine never evaluates formulas (it reads the value Excel saved) and does not expand
XML entities (a DOCTYPE with entities is a parse error), so neither needs more here.
"""

import codecs
import csv
import re
import struct
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.core.files.uploadedfile import UploadedFile
from python_calamine import CalamineError, CalamineWorkbook

from core.filetypes import PDF_MAGIC, ZIP_MAGIC

XLSX, CSV = "xlsx", "csv"
EXTENSIONS = {".xlsx": XLSX, ".csv": CSV}

# An xlsx's parts inflate to at most this many times the upload limit, and no large
# part may inflate more than MAX_RATIO times (real sheets inflate 5–20 times; a zip
# bomb about a thousand).
UNPACKED_FACTOR = 20
MAX_RATIO = 100
RATIO_CHECK_FROM = 1 << 20
MAX_MEMBERS = 2000
# calamine allocates 32 bytes per cell of a sheet's extent: 6 million cells is about
# 190 MB, enough for 850,000 rows of the long layout. Bigger files should be CSV.
MAX_SHEET_CELLS = 6_000_000
MAX_CSV_FIELD = 10_000
MAX_UNREFERENCED_XML = 200_000_000

_ZIP_MAGIC = ZIP_MAGIC  # the signatures are core.filetypes's, shared with meeting papers
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, or an encrypted xlsx
_BINARY_MAGICS = {
    PDF_MAGIC: "a PDF",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\x1f\x8b": "a gzip archive",
    b"Rar!": "a RAR archive",
    b"7z\xbc\xaf": "a 7-Zip archive",
}
_LOCAL_HEADER = struct.Struct("<4s5H3L2H")

# Every writer we know puts a cell's reference first: <c r="B7" …>. A non-empty cell is
# one whose tag is not self-closing (LibreOffice writes styled empty cells by the
# million as <c r="A9" s="1"/>). Any other shape of cell sends the scan the slow way.
_CELL_REF = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,10})"[^>]*?(?<!/)>')
_UNUSUAL_CELL = re.compile(rb'<(?:\w+:)c[\s>/]|<c(?:>|/>|\s(?!r="))')
_ROW = re.compile(rb"<(?:\w+:)?row\b([^>]*?)(/?)>(.*?)(?:</(?:\w+:)?row>|(?=<(?:\w+:)?row\b)|$)", re.S)
_ROW_NUMBER = re.compile(rb'\br="([0-9]{1,10})"')
_CELLS_IN_ROW = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(/?)>")


class FileRefused(Exception):
    """The file cannot be read safely or is not what it claims to be. The message says
    what to do, in words an administrator understands."""


@dataclass
class Table:
    """A file's rows as ``(row number, cells)``; ``first_column`` is the 0-based column
    of the first cell (an xlsx may start at column B)."""

    kind: str
    rows: Iterator[tuple[int, list]]
    total_rows: int
    first_column: int = 0


def describe_size(size: int) -> str:
    """1500000 → "1.5 MB"; 100000 → "100 kB"."""
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f}".removesuffix(".0") + " MB"
    return f"{size / 1000:.0f} kB"


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _column_index(letters: bytes) -> int:
    index = 0
    for byte in letters:
        index = index * 26 + (byte - 64)
    return index - 1


def kind_for(file_name: str) -> str:
    suffix = Path(file_name).suffix.lower()
    if suffix not in EXTENSIONS:
        raise FileRefused(
            f"“{file_name}” is not a file we can import: save it as Excel workbook (.xlsx) or CSV (.csv)."
        )
    return EXTENSIONS[suffix]


@contextmanager
def open_upload(upload: UploadedFile, *, max_bytes: int) -> Iterator[Table]:
    """``open_table`` for an uploaded file: the file Django wrote to disk, or a temporary
    copy of a small upload that Django kept in memory (removed when the block ends)."""
    if hasattr(upload, "temporary_file_path"):
        yield open_table(Path(upload.temporary_file_path()), file_name=upload.name, max_bytes=max_bytes)
        return
    with tempfile.NamedTemporaryFile(suffix=Path(upload.name).suffix) as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
        handle.flush()
        yield open_table(Path(handle.name), file_name=upload.name, max_bytes=max_bytes)


def open_table(path: Path, *, file_name: str, max_bytes: int) -> Table:
    """Check the file, then open it for reading row by row. Raises FileRefused."""
    kind = kind_for(file_name)
    size = path.stat().st_size
    if size > max_bytes:
        raise FileRefused(
            f"The file is {describe_size(size)}; the limit is {describe_size(max_bytes)}. "
            "Split it into smaller files."
        )
    if size == 0:
        raise FileRefused("The file is empty.")
    with open(path, "rb") as handle:
        head = handle.read(8)
    if kind == XLSX:
        return _open_xlsx(path, head, max_unpacked=max_bytes * UNPACKED_FACTOR)
    return _open_csv(path, head)


# --- xlsx ----------------------------------------------------------------------------------


def _open_xlsx(path: Path, head: bytes, *, max_unpacked: int) -> Table:
    if head.startswith(_OLE_MAGIC):
        raise FileRefused(
            "This is an Excel 97–2003 workbook (.xls) or a password-protected workbook, not an .xlsx. "
            "Open it in Excel, remove any password and save it as “Excel Workbook (.xlsx)”."
        )
    if not head.startswith(_ZIP_MAGIC):
        raise FileRefused(
            "The file is named .xlsx but is not an Excel workbook. "
            "If it is a CSV file, rename it to .csv; otherwise save it from Excel as .xlsx."
        )
    _check_zip(path, max_unpacked=max_unpacked)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        if not workbook.sheet_names:
            raise FileRefused("The workbook has no sheets.")
        sheet = workbook.get_sheet_by_index(0)
    except CalamineError as exc:
        raise FileRefused(f"The workbook could not be read ({_calamine_reason(exc)}). {_RESAVE}") from exc
    start = sheet.start or (0, 0)

    # calamine yields rows from the sheet's first row (empty ones included) and columns
    # from the first non-empty column.
    def rows():
        for index, cells in enumerate(sheet.iter_rows()):
            yield index + 1, cells
        workbook.close()

    return Table(kind=XLSX, rows=rows(), total_rows=max(sheet.height - 1, 0), first_column=start[1])


_RESAVE = "Open it in Excel or LibreOffice and save it again as .xlsx."


def _calamine_reason(exc: Exception) -> str:
    text = str(exc)
    if "entity" in text.lower() or "doctype" in text.lower():
        return "it contains XML entity declarations, which a spreadsheet never needs"
    return "it is damaged or not a real workbook"


def _check_zip(path: Path, *, max_unpacked: int) -> None:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise FileRefused(f"The workbook is damaged: it is not a complete zip archive. {_RESAVE}") from exc
    with archive:
        members = archive.infolist()
        names = {member.filename for member in members}
        if len(members) > MAX_MEMBERS:
            raise FileRefused("The workbook has an implausible number of parts; it looks crafted.")
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise FileRefused(
                "The file is a zip archive but not an Excel workbook (it has no workbook part). "
                "Save it from Excel as .xlsx."
            )
        declared = sum(member.file_size for member in members)
        if declared > max_unpacked:
            raise _bomb()
        for member in members:
            if member.file_size > RATIO_CHECK_FROM and member.file_size > MAX_RATIO * max(
                member.compress_size, 1
            ):
                raise _bomb()
        extent_cells = 0
        for member in members:
            is_sheet = member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml")
            scanner = _ExtentScanner() if is_sheet else None
            _inflate_member(archive, member, scanner)
            if scanner is not None:
                extent_cells = max(extent_cells, scanner.cells())
        if extent_cells > MAX_SHEET_CELLS:
            raise FileRefused(
                f"A sheet spans {extent_cells:,} cells (rows × columns from its first to its last "
                f"filled cell); the limit is {MAX_SHEET_CELLS:,}. Delete anything outside the table, "
                "or save the figures as CSV."
            )


def _bomb() -> FileRefused:
    return FileRefused(
        "The workbook unpacks to far more data than a spreadsheet of its size could hold "
        "(a “zip bomb”); it was not opened."
    )


def _inflate_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, scanner) -> None:
    """Inflate a member from its raw bytes, never producing more than it declares.

    Python's zipfile stops at the declared size, but calamine's reader does not, so the
    check must count what the compressed stream really holds.
    """
    if member.flag_bits & 0x1:
        raise FileRefused("The workbook is encrypted. Remove the password and save it again.")
    if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise FileRefused(f"The workbook uses a compression Excel does not. {_RESAVE}")
    fp = archive.fp
    fp.seek(member.header_offset)
    header = fp.read(_LOCAL_HEADER.size)
    if len(header) < _LOCAL_HEADER.size or header[:4] != _ZIP_MAGIC:
        raise FileRefused(f"The workbook is damaged. {_RESAVE}")
    name_length, extra_length = _LOCAL_HEADER.unpack(header)[-2:]
    fp.seek(name_length + extra_length, 1)

    limit = member.file_size
    produced = crc = 0

    def emit(piece: bytes) -> None:
        nonlocal produced, crc
        produced += len(piece)
        if produced > limit:
            raise _bomb()
        crc = zlib.crc32(piece, crc)
        if scanner is not None:
            scanner.feed(piece)

    decompressor = zlib.decompressobj(-15) if member.compress_type == zipfile.ZIP_DEFLATED else None
    remaining = member.compress_size
    while remaining > 0:
        raw = fp.read(min(remaining, 1 << 20))
        if not raw:
            raise FileRefused(f"The workbook is truncated. {_RESAVE}")
        remaining -= len(raw)
        if decompressor is None:
            emit(raw)
            continue
        data = raw
        while True:
            # Never inflate more than one byte past the declared size.
            piece = decompressor.decompress(data, limit - produced + 1)
            emit(piece)
            data = decompressor.unconsumed_tail
            if not data and (not piece or decompressor.eof):
                break
    if produced != limit or crc != member.CRC:
        raise FileRefused(f"The workbook is damaged (a part does not match its checksum). {_RESAVE}")
    if scanner is not None:
        scanner.close()


class _ExtentScanner:
    """Finds the rows × columns block that calamine will allocate for a worksheet.

    Cells normally carry their reference first (``<c r="C12" …>``), and a regular
    expression finds them quickly. calamine places a cell without a reference after the
    previous cell of its row, so when any cell is shaped otherwise the scan goes row by
    row instead.
    """

    def __init__(self):
        self._tail = b""
        self._max_row = 0
        self._max_col = -1
        self._min_row = None
        self._min_col = None
        self._unreferenced = False
        self._xml = []
        self._xml_size = 0

    def feed(self, piece: bytes) -> None:
        data = self._tail + piece
        cut = data.rfind(b"<")
        if cut <= 0:
            self._tail = data
            return
        data, self._tail = data[:cut], data[cut:]
        self._scan(data)

    def close(self) -> None:
        if self._tail:
            self._scan(self._tail)
            self._tail = b""
        if self._unreferenced:
            self._scan_rows(b"".join(self._xml))
        self._xml = []

    def _scan(self, data: bytes) -> None:
        if self._unreferenced or _UNUSUAL_CELL.search(data):
            # Keep the XML for a row-by-row count (rare: hand-made or exotic writers).
            self._unreferenced = True
            self._xml.append(data)
            self._xml_size += len(data)
            if self._xml_size > MAX_UNREFERENCED_XML:
                raise FileRefused(f"The workbook is too unusual and too big to check. {_RESAVE}")
            return
        found = _CELL_REF.findall(data)
        if not found:
            return
        letters, numbers = zip(*found, strict=True)
        rows = list(map(int, numbers))
        columns = [_column_index(column) for column in set(letters)]
        self._widen(min(rows), max(rows), min(columns), max(columns))

    def _widen(self, low_row: int, high_row: int, low_col: int, high_col: int) -> None:
        """Widen the used range to take in these rows and columns."""
        self._max_row = max(self._max_row, high_row)
        self._max_col = max(self._max_col, high_col)
        self._min_row = low_row if self._min_row is None else min(self._min_row, low_row)
        self._min_col = low_col if self._min_col is None else min(self._min_col, low_col)

    def _scan_rows(self, xml: bytes) -> None:
        self._min_row = self._min_col = None
        self._max_row, self._max_col = 0, -1
        row_number = 0
        for attributes, closed, body in _ROW.findall(xml):
            found = _ROW_NUMBER.search(attributes)
            row_number = int(found.group(1)) if found else row_number + 1
            if closed:
                continue
            column = -1
            for cell_attributes, self_closing in _CELLS_IN_ROW.findall(body):
                ref = re.search(rb'\br="([A-Z]{1,3})([0-9]{1,10})"', cell_attributes)
                column = _column_index(ref.group(1)) if ref else column + 1
                cell_row = int(ref.group(2)) if ref else row_number
                if not self_closing:
                    self._widen(cell_row, cell_row, column, column)

    def cells(self) -> int:
        if self._min_row is None:
            return 0
        return (self._max_row - self._min_row + 1) * (self._max_col - self._min_col + 1)


# --- csv -----------------------------------------------------------------------------------


def _open_csv(path: Path, head: bytes) -> Table:
    if head.startswith(_ZIP_MAGIC):
        raise FileRefused(
            "The file is named .csv but is an Excel workbook or another zip file. "
            "Rename it to .xlsx, or save it from Excel as “CSV UTF-8”."
        )
    if head.startswith(_OLE_MAGIC):
        raise FileRefused("The file is named .csv but is an Excel 97–2003 workbook. Save it as CSV.")
    for magic, what in _BINARY_MAGICS.items():
        if head.startswith(magic):
            raise FileRefused(f"The file is named .csv but is {what}.")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileRefused(
            "The file is saved as “Unicode Text” (UTF-16). In Excel choose “CSV UTF-8” when saving."
        )
    encoding, lines = _detect_encoding(path)
    delimiter = _delimiter(path, encoding)

    def rows():
        csv.field_size_limit(MAX_CSV_FIELD)
        with open(path, encoding=encoding, newline="") as handle:
            reader = csv.reader(handle, delimiter=delimiter)
            numbered = enumerate(reader, start=1)
            try:
                for number, cells in numbered:
                    if cells and cells[0].startswith("\ufeff"):  # UTF-8's byte order mark
                        cells[0] = cells[0][1:]
                    yield number, cells
                    break
                yield from numbered
            except csv.Error as exc:
                raise FileRefused(
                    f"Line {reader.line_num} cannot be read as CSV ({exc}). A cell may be missing its "
                    f"closing quote or hold more than {MAX_CSV_FIELD:,} characters."
                ) from exc

    return Table(kind=CSV, rows=rows(), total_rows=max(lines - 1, 0))


def _detect_encoding(path: Path) -> tuple[str, int]:
    """UTF-8 (with or without a BOM) if the whole file decodes as UTF-8, else
    Windows-1252 as Excel saves "CSV (Comma delimited)" in Britain. Counts lines too."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines = 0
    utf8 = True
    ended_with_newline = True
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            if b"\x00" in chunk:
                raise FileRefused("The file is named .csv but holds binary data, not text.")
            lines += chunk.count(b"\n")
            ended_with_newline = chunk.endswith(b"\n")
            if utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8 = False
    if utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            utf8 = False
    if not ended_with_newline:
        lines += 1
    if utf8:
        return "utf-8", lines  # rows() drops a byte order mark
    # Windows-1252 leaves five bytes undefined; a file using them is not text we know.
    try:
        with open(path, encoding="cp1252") as handle:
            while handle.read(1 << 20):
                pass
    except UnicodeDecodeError as exc:
        raise FileRefused(
            "The file's text is neither UTF-8 nor Windows-1252. In Excel choose “CSV UTF-8” when saving."
        ) from exc
    return "cp1252", lines


def _delimiter(path: Path, encoding: str) -> str:
    """Comma, unless the header row plainly uses semicolons or tabs (Excel in some locales)."""
    with open(path, encoding=encoding, newline="") as handle:
        header = handle.readline()
    counts = {delimiter: header.count(delimiter) for delimiter in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] and counts[","] == 0 else ","
