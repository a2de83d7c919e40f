"""DfE's open data imports as published: recognised by its header, read through the
seeded mappings, every council kept, symbols kept as symbols, and Havering's
statistical-neighbour figure worked out under the model in force."""

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from actions.kpis.services import kpi_import_from_path
from actions.models import KPI, DfEMapping, KPIImport, KPIValue
from tests.actions.kpis.dfe import (
    ACTIVITY,
    S01,
    STABILITY,
    dfe_bytes,
    dfe_file,
    neighbour_mean,
    neighbours,
    published,
)

pytestmark = pytest.mark.django_db
SN_2025 = "sn_model_2025_wide.csv"
SN_2021 = "New_Statistical_Neighbour_Groupings_April_2021.csv"


def command(path, *args) -> str:
    out = StringIO()
    call_command("import_kpi_data", str(path), *args, stdout=out, stderr=out)
    return out.getvalue()


def figure(code: str, period_end: date, area: str, la_code: str = "") -> KPIValue:
    return KPIValue.objects.get(kpi__code=code, period_end=period_end, area=area, la_code=la_code)


def test_a_dfe_file_imports_as_published_through_the_command(tmp_path):
    output = command(dfe_file(tmp_path, STABILITY))
    assert output.startswith(f"Imported {STABILITY}:")
    march_2025 = date(2025, 3, 31)
    rows = published(STABILITY, S01, "2025")
    havering = figure("NF45", march_2025, "havering")
    assert (havering.value, havering.numerator, havering.denominator) == (Decimal(12), 31, 268)
    assert havering.value == Decimal(rows["311"]["children_percent"])
    assert figure("NF45", march_2025, "england").value == Decimal(rows["England"]["children_percent"]) == 10
    assert figure("NF45", march_2025, "london").value == Decimal(rows["London"]["children_percent"]) == 10
    # Every other council's row is kept for benchmarking, by its LA number.
    councils = KPIValue.objects.filter(kpi__code="NF45", period_end=march_2025, area="council")
    assert councils.count() == len([code for code in rows if code.isdigit() and code != "311"])
    assert figure("NF45", march_2025, "council", "303").value == Decimal(rows["303"]["children_percent"])
    assert KPIImport.objects.get().layout == "dfe"


def test_the_statistical_neighbour_figure_is_the_mean_under_the_model_in_force(tmp_path):
    command(dfe_file(tmp_path, STABILITY))
    for year, model_file, model_name in (
        ("2025", SN_2025, "DfE statistical neighbours, 2025"),
        ("2024", SN_2021, "DfE statistical neighbours, April 2021"),
    ):
        mean, taken = neighbour_mean(
            published(STABILITY, S01, year), neighbours(model_file), "children_percent"
        )
        sn = figure("NF45", date(int(year), 3, 31), "stat_neighbours")
        assert sn.value == Decimal(f"{mean:.1f}")
        assert sn.note == f"Mean of {taken} of 10 statistical neighbours ({model_name})"
    assert neighbours(SN_2025) != neighbours(SN_2021)


def test_dfe_symbols_are_kept_as_not_published_never_as_zero(tmp_path):
    command(dfe_file(tmp_path, ACTIVITY))
    suppressed = KPIValue.objects.filter(symbol="c")
    assert suppressed.exists()
    assert not suppressed.exclude(value=None).exists()
    rows = published(
        ACTIVITY,
        {"care_leaver_age": "17 to 18 years", "breakdown": "Total in education, employment or training"},
        "2025",
    )
    code = next(code for code, row in rows.items() if row["care_leaver_percent"] == "c")
    kept = figure("NF52", date(2025, 3, 31), "council", code)
    assert (kept.value, kept.symbol, kept.numerator) == (None, "c", None)


def test_importing_the_same_dfe_file_again_changes_nothing(tmp_path):
    path = dfe_file(tmp_path, ACTIVITY)
    first = command(path)
    stored = {(v.pk, v.value, v.symbol, v.updated_at) for v in KPIValue.objects.all()}
    second = command(path)
    assert "new figures, 0 changed" in first
    assert "0 new figures, 0 changed" in second
    assert {(v.pk, v.value, v.symbol, v.updated_at) for v in KPIValue.objects.all()} == stored


def test_a_file_no_mapping_takes_is_refused_naming_its_columns(tmp_path):
    DfEMapping.objects.filter(publication_file=STABILITY.removesuffix(".csv")).delete()
    with pytest.raises(CommandError) as refused:
        command(dfe_file(tmp_path, STABILITY))
    assert not KPIValue.objects.exists()
    assert "was not imported" in str(refused.value)


def test_the_refusal_names_the_columns(tmp_path):
    DfEMapping.objects.filter(publication_file=STABILITY.removesuffix(".csv")).delete()
    kpi_import = kpi_import_from_path(path=dfe_file(tmp_path, STABILITY), dry_run=False)
    message = kpi_import.errors[0]["message"]
    assert message.startswith("No mapping takes this file: this DfE file is not recognised.")
    assert "columns are: cla_group, placement_stability, children_count, children_percent" in message
    assert kpi_import.preview["not_recognised"] == [
        "cla_group",
        "placement_stability",
        "children_count",
        "children_percent",
    ]


def test_a_mapping_edited_for_renamed_columns_reads_an_older_file(tmp_path):
    """DfE renames columns between years: an administrator maps the new name, no release."""
    data = dfe_bytes(STABILITY).replace(b"cla_group", b"looked_after_group", 1)
    path = tmp_path / "older.csv"
    path.write_bytes(data)
    with pytest.raises(CommandError):
        command(path)
    mapping = DfEMapping.objects.get(kpi__code="NF45")
    mapping.numerator_filters = {
        "looked_after_group": S01["cla_group"],
        "placement_stability": S01["placement_stability"],
    }
    mapping.save()
    command(path)
    assert figure("NF45", date(2025, 3, 31), "havering").numerator == 31


def health_file(tmp_path):
    """A 2025 file in the same EES shape as DfE's outcomes file, which this project has
    not seen: health assessments, dental checks and SDQs (made-up numbers)."""
    header = (
        "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
        "old_la_code,la_name,new_la_code,characteristic,breakdown,children_count,children_percent"
    )
    areas = [
        "National,E92000001,England,,,,,",
        "Regional,E92000001,England,E12000007,London,,,",
        "Regional,E92000001,England,E13000002,Outer London,,,",
        "Local authority,E92000001,England,E13000002,Outer London,311,Havering,E09000016",
        "Local authority,E92000001,England,E13000002,Outer London,303,Bexley,E09000004",
    ]
    counts = [(70000, 63000, 55000), (7000, 6200, 5500), (3000, 2700, 2300), (200, 180, 150), (190, 171, "c")]
    lines = ["\ufeff" + header]
    all_ages = "Health assessments: Children looked after all ages"
    for area, (total, health, teeth) in zip(areas, counts, strict=True):
        lines.append(f"2025,Reporting year,{area},{all_ages},Total all ages,{total},100")
        lines.append(
            f"2025,Reporting year,{area},{all_ages},Had their annual health assessment,{health},"
            f"{round(100 * health / total)}"
        )
        percent = "c" if teeth == "c" else round(100 * teeth / total)
        lines.append(
            f"2025,Reporting year,{area},{all_ages},Had their teeth checked by a dentist,{teeth},{percent}"
        )
    path = tmp_path / "la_conviction_health_outcome_cla.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_another_file_of_the_release_imports_with_the_seeded_mapping(tmp_path):
    command(health_file(tmp_path))
    march_2025 = date(2025, 3, 31)
    w01 = figure("W01-DFE", march_2025, "havering")
    assert (w01.value, w01.numerator, w01.denominator) == (Decimal(90), 180, 200)
    assert figure("W01-DFE", march_2025, "london").value == Decimal(89)
    assert figure("W02-DFE", march_2025, "england").numerator == 55000
    assert figure("W02-DFE", march_2025, "council", "303").symbol == "c"


def test_a_dfe_file_is_recognised_on_the_import_page_too(client, admin_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(admin_user)
    upload = SimpleUploadedFile(STABILITY, dfe_bytes(STABILITY), content_type="text/csv")
    client.post(reverse("kpi_import_new"), {"file": upload})
    kpi_import = KPIImport.objects.get()
    assert kpi_import.state == KPIImport.State.PREVIEWED, kpi_import.errors
    assert kpi_import.layout == "dfe" and kpi_import.rows_created > 1500
    client.post(reverse("kpi_import_confirm", args=[kpi_import.pk]))
    assert figure("NF45", date(2025, 3, 31), "havering").numerator == 31


def test_the_seeded_mappings_cover_every_measure_dfe_publishes():
    """The National Framework's indicators, and published twins of the local measures that
    DfE's files fed before: no mapping feeds a local measure."""
    numbers = (3, 4, 7, 10, 13, 16, 19, 22, 45, 51, 52, 53, 54, 55, 63, 64, 65, 66, 67)
    framework = [f"NF{number:02d}" for number in numbers]
    twins = ["W01-DFE", "W02-DFE", "W03-DFE", "S02-DFE", "CLA-DFE"]
    assert sorted(DfEMapping.objects.values_list("kpi__code", flat=True)) == sorted(framework + twins)
    assert not DfEMapping.objects.filter(kpi__source="local").exists()
    assert KPI.objects.get(code="CLA").tracks.code == "CLA-DFE"
