"""What an uploaded file's bytes say it is, checked against its extension.

An extension is a claim; the first bytes (and, for Office and ODF files, the parts
inside the zip) are the evidence. Text formats must look like text: no NUL bytes or
control characters.
"""

import zipfile

PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"
TEXT_SAMPLE_BYTES = 65536
TEXT_CONTROLS_ALLOWED = {9, 10, 12, 13}  # tab, line feed, form feed, carriage return

OOXML_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "pptx": "ppt/presentation.xml"}
ODF_MIMETYPE = {
    "odt": b"application/vnd.oasis.opendocument.text",
    "ods": b"application/vnd.oasis.opendocument.spreadsheet",
}


def content_matches_extension(upload, extension: str) -> bool:
    """Whether the file's content is of the type its extension claims (pdf, docx, xlsx, pptx, odt, ods,
    csv, txt). Leaves the file at its start."""
    extension = extension.lower()
    try:
        upload.seek(0)
        head = upload.read(TEXT_SAMPLE_BYTES)
        if extension == "pdf":
            return head.startswith(PDF_MAGIC)
        if extension in OOXML_PART or extension in ODF_MIMETYPE:
            return head.startswith(ZIP_MAGIC) and _zip_holds(upload, extension)
        if extension in ("csv", "txt"):
            return _looks_like_text(head)
        return False
    finally:
        upload.seek(0)


def _zip_holds(upload, extension: str) -> bool:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if extension in OOXML_PART:
                return "[Content_Types].xml" in names and OOXML_PART[extension] in names
            return "mimetype" in names and archive.read("mimetype").strip() == ODF_MIMETYPE[extension]
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return False


def _looks_like_text(head: bytes) -> bool:
    if head.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) and b"\x00\x00" not in head:
        head = head.removeprefix(b"\xef\xbb\xbf")
        if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
            return True  # UTF-16 with its byte-order mark
    return not any(byte < 32 and byte not in TEXT_CONTROLS_ALLOWED for byte in head)
