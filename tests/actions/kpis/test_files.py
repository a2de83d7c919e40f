"""Opening files: what is refused, with what message, and what is read."""

import time
import zipfile
from datetime import date

import pytest

from actions.kpis.files import FileRefused, column_letter, open_table
from tests.actions.kpis.spreadsheets import (
    LONG_HEADER,
    crafted_xlsx,
    csv_bytes,
    inline,
    lying_zip,
    number,
    row,
    sheet,
    xlsx_bytes,
)

LIMIT = 5_000_000


def opened(tmp_path, name: str, data: bytes, *, limit: int = LIMIT):
    path = tmp_path / name
    path.write_bytes(data)
    table = open_table(path, file_name=name, max_bytes=limit)
    return table, list(table.rows)


def refused(tmp_path, name: str, data: bytes, *, limit: int = LIMIT) -> str:
    with pytest.raises(FileRefused) as caught:
        opened(tmp_path, name, data, limit=limit)
    return str(caught.value)


def test_column_letters():
    assert [column_letter(i) for i in (0, 25, 26, 701, 702, 16383)] == ["A", "Z", "AA", "ZZ", "AAA", "XFD"]


# --- refused ------------------------------------------------------------------------------


def test_a_file_that_is_neither_xlsx_nor_csv_is_refused(tmp_path):
    assert "save it as Excel workbook (.xlsx) or CSV" in refused(tmp_path, "figures.ods", b"PK\x03\x04")


def test_a_file_over_the_size_limit_is_refused(tmp_path):
    message = refused(tmp_path, "figures.csv", b"kpi_code\n" + b"W01\n" * 300, limit=1000)
    assert "the limit is" in message


def test_an_empty_file_is_refused(tmp_path):
    assert refused(tmp_path, "figures.csv", b"") == "The file is empty."


def test_a_csv_named_xlsx_is_refused(tmp_path):
    message = refused(tmp_path, "figures.xlsx", csv_bytes([LONG_HEADER]))
    assert "named .xlsx but is not an Excel workbook" in message


def test_a_workbook_named_csv_is_refused(tmp_path):
    message = refused(tmp_path, "figures.csv", xlsx_bytes([LONG_HEADER]))
    assert "named .csv but is an Excel workbook" in message


def test_an_old_binary_xls_named_xlsx_is_refused(tmp_path):
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512
    assert "Excel 97–2003" in refused(tmp_path, "figures.xlsx", ole)


def test_a_pdf_named_csv_is_refused(tmp_path):
    assert "is a PDF" in refused(tmp_path, "figures.csv", b"%PDF-1.7\n...")


def test_binary_data_named_csv_is_refused(tmp_path):
    assert "binary data" in refused(tmp_path, "figures.csv", b"kpi_code,value\n\x00\x01\x02")


def test_a_utf16_csv_is_refused_with_how_to_save_it(tmp_path):
    data = "kpi_code,value\n".encode("utf-16")
    assert "CSV UTF-8" in refused(tmp_path, "figures.csv", data)


def test_text_in_neither_utf8_nor_windows_1252_is_refused(tmp_path):
    # 0x81 is undefined in Windows-1252 and invalid on its own in UTF-8.
    assert "neither UTF-8 nor Windows-1252" in refused(tmp_path, "figures.csv", b"kpi_code\n\x81\x81\n")


def test_a_zip_without_a_workbook_is_refused(tmp_path):
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert "not an Excel workbook" in refused(tmp_path, "figures.xlsx", buffer.getvalue())


def test_a_truncated_workbook_is_refused(tmp_path):
    data = xlsx_bytes([LONG_HEADER, ["W01", date(2025, 4, 30), 72]])
    assert "damaged" in refused(tmp_path, "figures.xlsx", data[: len(data) // 2])


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path):
    # 50 MB of one repeated byte packs into about 50 kB: a ratio no spreadsheet has.
    bomb = crafted_xlsx(sheet(row(1, inline("A1", "x"))), extra={"xl/media/padding.bin": "\0" * 50_000_000})
    assert len(bomb) < 200_000
    started = time.monotonic()
    assert "zip bomb" in refused(tmp_path, "figures.xlsx", bomb, limit=50_000_000)
    assert time.monotonic() - started < 2


def test_a_zip_that_lies_about_its_unpacked_size_is_refused(tmp_path):
    honest = crafted_xlsx(
        sheet(*(row(n, inline(f"A{n}", "W01"), number(f"B{n}", n)) for n in range(1, 2000)))
    )
    message = refused(tmp_path, "figures.xlsx", lying_zip(honest, declared_size=1000))
    assert "zip bomb" in message


def test_cells_far_apart_that_would_make_a_huge_sheet_are_refused(tmp_path):
    # calamine would allocate 1,048,576 × 16,384 cells for these two and abort.
    data = crafted_xlsx(sheet(row(1, inline("A1", "kpi_code")), row(1048576, inline("XFD1048576", "x"))))
    assert "spans 17,179,869,184 cells" in refused(tmp_path, "figures.xlsx", data)


def test_cells_without_references_are_still_measured(tmp_path):
    cells = "".join("<c><v>1</v></c>" for _ in range(3000))
    data = crafted_xlsx(sheet(row(1, cells), row(1048576, "<c><v>1</v></c>")))
    assert "cells" in refused(tmp_path, "figures.xlsx", data)


def test_xml_entities_are_refused_not_expanded(tmp_path):
    xml = (
        '<?xml version="1.0"?>\n<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">'
        '<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        + row(1, inline("A1", "&xxe;"), inline("B1", "&b;"))
        + "</sheetData></worksheet>"
    )
    assert "XML entity declarations" in refused(tmp_path, "figures.xlsx", crafted_xlsx(xml))


def test_an_encrypted_zip_member_is_refused(tmp_path):
    data = bytearray(crafted_xlsx(sheet(row(1, inline("A1", "kpi_code")))))
    position = data.find(b"PK\x01\x02")
    while position >= 0:  # set the "encrypted" flag on every central directory entry
        data[position + 8] |= 1
        position = data.find(b"PK\x01\x02", position + 4)
    assert "encrypted" in refused(tmp_path, "figures.xlsx", bytes(data))


# --- read --------------------------------------------------------------------------------------


def test_csv_in_utf8_with_a_byte_order_mark(tmp_path):
    _, rows = opened(
        tmp_path, "f.csv", csv_bytes([LONG_HEADER, ["W01", "2025-04-30", "72", "", "", "", "Café"]], bom=True)
    )
    assert rows[0] == (1, LONG_HEADER)
    assert rows[1][1][6] == "Café"


def test_csv_in_windows_1252_as_excel_saves_it(tmp_path):
    data = csv_bytes([LONG_HEADER, ["W01", "2025-04-30", "72", "", "", "", "£5 – café"]], encoding="cp1252")
    _, rows = opened(tmp_path, "f.csv", data)
    assert rows[1][1][6] == "£5 – café"


def test_csv_with_semicolons(tmp_path):
    _, rows = opened(
        tmp_path, "f.csv", csv_bytes([LONG_HEADER, ["W01", "2025-04-30", "72,5"]], delimiter=";")
    )
    assert rows[1][1][:3] == ["W01", "2025-04-30", "72,5"]


def test_an_xlsx_reports_where_its_table_starts(tmp_path):
    table, rows = opened(
        tmp_path,
        "f.xlsx",
        xlsx_bytes([LONG_HEADER, ["W01", date(2025, 4, 30), 72]], first_row=2, first_col=1),
    )
    assert table.first_column == 1
    numbered = {number: cells for number, cells in rows if any(cells)}
    assert numbered[3][:3] == ["kpi_code", "period_end", "value"]
    assert numbered[4][:3] == ["W01", date(2025, 4, 30), 72.0]


def test_a_formula_gives_its_saved_value_and_is_never_evaluated(tmp_path):
    data = crafted_xlsx(
        sheet(
            row(1, inline("A1", "kpi_code"), inline("B1", "value")),
            row(2, inline("A2", "W01"), '<c r="B2"><f>WEBSERVICE("http://example.org")</f><v>72</v></c>'),
            row(3, inline("A3", "W02"), '<c r="B3"><f>1+1</f></c>'),
        )
    )
    _, rows = opened(tmp_path, "f.xlsx", data)
    assert rows[1][1] == ["W01", 72.0]
    assert rows[2][1] == ["W02", ""]


def test_a_million_empty_rows_as_libreoffice_saves_them_are_skipped_quickly(tmp_path):
    empty_rows = "".join(
        f'<row r="{n}" s="1" customFormat="true"><c r="A{n}" s="1"/><c r="B{n}" s="1"/></row>'
        for n in range(3, 1_048_577)
    )
    data = crafted_xlsx(
        sheet(
            row(1, inline("A1", "kpi_code"), inline("B1", "value")),
            row(2, inline("A2", "W01"), number("B2", 72)),
        )[: -len("</sheetData></worksheet>")]
        + empty_rows
        + "</sheetData></worksheet>"
    )
    started = time.monotonic()
    table, rows = opened(tmp_path, "f.xlsx", data, limit=50_000_000)
    # A guard against reading the sheet cell by cell (minutes), not a speed target: a
    # loaded 2-core machine took 23 s, a quiet one about 5.
    assert time.monotonic() - started < 90
    assert [cells for _, cells in rows] == [["kpi_code", "value"], ["W01", 72.0]]
    assert table.total_rows == 1


def test_a_csv_cell_longer_than_the_limit_is_refused(tmp_path):
    data = b"kpi_code,note\nW01," + b"x" * 20_000 + b"\n"
    path = tmp_path / "f.csv"
    path.write_bytes(data)
    table = open_table(path, file_name="f.csv", max_bytes=LIMIT)
    with pytest.raises(FileRefused, match="Line 2 cannot be read as CSV"):
        list(table.rows)
