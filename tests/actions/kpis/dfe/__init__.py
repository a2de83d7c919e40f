"""DfE's published files as test data, and the numbers a test expects, read from them.

The two ``.csv.gz`` files here are DfE's files exactly as published (gzipped only):
placement stability and care leavers' activity, reporting year 2025 release.
"""

import csv
import gzip
from pathlib import Path
from statistics import fmean

from actions.kpis.neighbours import DATA

HERE = Path(__file__).resolve().parent
STABILITY = "la_cla_placement_stability.csv"
ACTIVITY = "la_care_leavers_activity.csv"
# Havering's ten neighbours in the 2025 model, closest first, as DfE names them.
HAVERING_2025 = [
    "Bexley",
    "Bedford",
    "Thurrock",
    "Essex",
    "Kent",
    "Swindon",
    "West Northamptonshire",
    "Milton Keynes",
    "Medway",
    "West Sussex",
]
S01 = {"cla_group": "CLA on 31 March", "placement_stability": "With 3 or more placements during the year"}


def dfe_bytes(name: str) -> bytes:
    return gzip.decompress((HERE / f"{name}.gz").read_bytes())


def dfe_file(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    path.write_bytes(dfe_bytes(name))
    return path


def rows(name: str) -> list[dict]:
    return list(csv.DictReader(dfe_bytes(name).decode("utf-8-sig").splitlines()))


def published(name: str, filters: dict, year: str) -> dict[str, dict]:
    """The file's rows for ``filters`` and ``year``, by area: "England", "London" or an LA number."""
    found = {}
    for row in rows(name):
        if row["time_period"] != year or any(row[column] != value for column, value in filters.items()):
            continue
        if row["geographic_level"] == "National":
            found["England"] = row
        elif row["geographic_level"] == "Regional" and row["region_code"] == "E12000007":
            found["London"] = row
        elif row["geographic_level"] == "Local authority":
            found[row["old_la_code"]] = row
    return found


def neighbours(model_file: str, code: str = "311") -> list[str]:
    """A council's ten neighbours in one of DfE's model files, closest first."""
    with open(DATA / model_file, encoding="utf-8-sig", newline="") as handle:
        for row in csv.reader(handle):
            if row and row[0] == code:
                at = 4 if model_file.startswith("sn_model") else 5
                return [row[at + 2 * k] for k in range(10)]
    raise LookupError(code)


def neighbour_mean(figures: dict[str, dict], codes: list[str], column: str) -> tuple[float, int]:
    values = [
        float(figures[code][column]) for code in codes if code in figures and figures[code][column].isdigit()
    ]
    return fmean(values), len(values)
