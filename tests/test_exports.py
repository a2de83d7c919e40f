import csv
import io
from datetime import date

import openpyxl

from core.exports import csv_response, safe_cell, xlsx_response


def test_safe_cell_neutralises_every_formula_prefix():
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert safe_cell(text) == "'" + text
    assert safe_cell("Plain words") == "Plain words"
    assert safe_cell(-3) == -3  # numbers stay numbers
    assert safe_cell(None) == ""


def test_csv_download_escapes_formula_cells():
    response = csv_response("x.csv", ["a", "b"], [['=HYPERLINK("http://evil")', 5]])
    assert response["Content-Disposition"] == 'attachment; filename="x.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [["a", "b"], ['\'=HYPERLINK("http://evil")', "5"]]


def test_xlsx_download_holds_text_not_formulas():
    response = xlsx_response("x.xlsx", ["a", "b", "c"], [["=1+1", 2, date(2025, 4, 30)]])
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet["A2"].value == "'=1+1"
    assert sheet["A2"].data_type == "s"
    assert sheet["B2"].value == 2
    assert sheet["C2"].value.date() == date(2025, 4, 30)
