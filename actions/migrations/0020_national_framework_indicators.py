"""DfE's Children's Social Care National Framework indicators about children in care, care
leavers and their workforce, as published measures, with how each is read from DfE's
files (data: editable as DfE file mappings). Their wording, outcome and domain come from
DfE's own list (``framework_indicators.csv``). Existing DfE mappings on local measures move
to published ones, with the figures DfE's files gave them, so annual published figures and
local in-year ones never share a series again."""

import csv

from django.db import migrations

from actions.kpis.neighbours import DATA
from actions.migration_helpers import grant_role_permissions

FRAMEWORK = DATA / "framework_indicators.csv"
CLA_RATES = "cla_number_and_rate_per_10k_children"
PERCENT, RATE, SCORE = "percent", "rate", "score"
HIGHER, LOWER, NEUTRAL = "higher", "lower", "neutral"
CHILD_COUNT, CHILD_PERCENT = "children_count, number", "children_percent, percentage"
NUMBER, PERCENTAGE = "number, children_count", "percentage, children_percent"
LEAVER_COUNT, LEAVER_PERCENT = "care_leaver_count, number", "care_leaver_percent, percentage"
# Filter columns DfE has named differently over the years are listed with "|", as are
# values it has worded differently: each file is taken by its columns, not its name.
AGE = "care_leaver_age|age"
YOUNGER, OLDER = "17 to 18 years|Aged 17 to 18", "19 to 21 years|Aged 19 to 21"
ABSENCE = {"social_care_group": "CLA 12 months at 31 March", "phase_type_grouping|school_type": "Total"}
WORKFORCE = "csww_indicators_2017_to_2025"

# number: (unit, polarity, DfE file, figure's filters, denominator's, count columns, value columns)
LOADED = {
    3: (
        RATE,
        NEUTRAL,
        CLA_RATES,
        {"population_type|population_count": "Children starting to be looked after each year"},
        {},
        CHILD_COUNT,
        "rate_per_10000",
    ),
    4: (
        RATE,
        NEUTRAL,
        CLA_RATES,
        {"population_type|population_count": "Children looked after on 31 March each year"},
        {},
        CHILD_COUNT,
        "rate_per_10000",
    ),
    7: (
        PERCENT,
        LOWER,
        "la_cla_school_moves",
        {
            "cla_group": "CLA on 31 March",
            "move_measure": "Mid-year moves",
            "school_stability": "With one or more mid-year moves during the year",
        },
        {"school_stability": "Total children"},
        NUMBER,
        PERCENTAGE,
    ),
    10: (PERCENT, LOWER, "absence_la", ABSENCE, {}, "", "pt_overall"),
    13: (PERCENT, LOWER, "absence_la", ABSENCE, {}, "", "pt_pupils_pa_10_exact"),
    16: (PERCENT, LOWER, "absence_la", ABSENCE, {}, "", "pt_pupils_pa_50_exact"),
    19: (
        PERCENT,
        HIGHER,
        "ks2_la",
        {"social_care_group": "CLA 12 months at 31 March"},
        {},
        "",
        "pt_rwm_met_expected_standard",
    ),
    22: (SCORE, HIGHER, "ks4_la", {"social_care_group": "CLA 12 months at 31 March"}, {}, "", "avg_att8"),
    45: (
        PERCENT,
        LOWER,
        "la_cla_placement_stability",
        {"cla_group": "CLA on 31 March", "placement_stability": "With 3 or more placements during the year"},
        {"placement_stability": "Total children"},
        CHILD_COUNT,
        CHILD_PERCENT,
    ),
    # DfE publishes the average SDQ score in the count column, with "z" as its percentage.
    51: (
        SCORE,
        LOWER,
        "la_conviction_health_outcome_cla",
        {"cla_group": "Ages 5 to 16 years with SDQ score", "characteristic": "SDQ average score"},
        {},
        "",
        "number",
    ),
    52: (
        PERCENT,
        HIGHER,
        "la_care_leavers_activity",
        {AGE: YOUNGER, "breakdown|activity": "Total in education, employment or training"},
        {"breakdown|activity": "Total"},
        LEAVER_COUNT,
        LEAVER_PERCENT,
    ),
    53: (
        PERCENT,
        HIGHER,
        "la_care_leavers_activity",
        {AGE: OLDER, "breakdown|activity": "Total in education, employment or training"},
        {"breakdown|activity": "Total"},
        LEAVER_COUNT,
        LEAVER_PERCENT,
    ),
    54: (
        PERCENT,
        HIGHER,
        "la_care_leavers_accommodation_suitability",
        {AGE: YOUNGER, "accommodation_suitability|breakdown": "Accommodation considered suitable"},
        {"accommodation_suitability|breakdown": "Total|Suitability total"},
        LEAVER_COUNT,
        LEAVER_PERCENT,
    ),
    55: (
        PERCENT,
        HIGHER,
        "la_care_leavers_accommodation_suitability",
        {AGE: OLDER, "accommodation_suitability|breakdown": "Accommodation considered suitable"},
        {"accommodation_suitability|breakdown": "Total|Suitability total"},
        LEAVER_COUNT,
        LEAVER_PERCENT,
    ),
    # The workforce file has one row per council and year, with a column per figure.
    63: (PERCENT, LOWER, WORKFORCE, {}, {}, "", "turnover_rate_fte"),
    64: (PERCENT, LOWER, WORKFORCE, {}, {}, "", "agency_rate_fte"),
    65: (PERCENT, LOWER, WORKFORCE, {}, {}, "", "vacancy_rate_fte"),
    66: (SCORE, LOWER, WORKFORCE, {}, {}, "", "caseload_fte"),
    67: (
        PERCENT,
        LOWER,
        "la_cla_swcount",
        {"cla_group": "CLA on 31 March", "sw_stability": "3 or more social workers during the year"},
        {"sw_stability": "Total children"},
        NUMBER,
        PERCENTAGE,
    ),
}
# Not loaded yet: the DfE file to fetch. An administrator maps it in the Django admin.
NOT_LOADED = {
    5: (RATE, NEUTRAL, "la_children_who_started_to_be_looked_after_by_characteristics"),
    6: (RATE, NEUTRAL, "la_cla_on_31_march_by_characteristics"),
    43: (PERCENT, NEUTRAL, "la_children_who_ceased_during_the_year"),
    44: (PERCENT, NEUTRAL, "la_children_who_ceased_during_the_year"),
    46: (PERCENT, LOWER, "la_cla_on_31_march_by_characteristics"),
    47: (SCORE, LOWER, "national_cla_adopted_average_time_between_adoption_process_stages"),
    48: (PERCENT, HIGHER, "la_cla_on_31_march_by_characteristics"),
    49: (PERCENT, NEUTRAL, "la_cla_on_31_march_by_characteristics"),
    50: (PERCENT, NEUTRAL, "la_cla_on_31_march_by_characteristics"),
}
# Local measures and the published indicators they track.
TRACKS = {"S01": 45, "I03": 52, "I02": 53, "S04": 55}


# Administrators keep DfE's mappings, neighbour models and council names in the Django admin.
ADMIN = [
    f"actions.{action}_{model}"
    for model in ("dfemapping", "localauthority", "neighbourmodel", "statisticalneighbour")
    for action in ("view", "add", "change", "delete")
]


def framework_rows() -> dict[int, dict]:
    with open(FRAMEWORK, encoding="utf-8-sig", newline="") as handle:
        return {int(row["sort_order"]): row for row in csv.DictReader(handle)}


def seed(apps, schema_editor):
    grant_role_permissions(apps, "Administrator", ADMIN)
    KPI = apps.get_model("actions", "KPI")
    KPIValue = apps.get_model("actions", "KPIValue")
    DfEMapping = apps.get_model("actions", "DfEMapping")
    rows = framework_rows()
    published = {}
    for number, spec in sorted({**LOADED, **NOT_LOADED}.items()):
        row = rows[number]
        unit, polarity, file = spec[:3]
        published[number], _ = KPI.objects.update_or_create(
            code=f"NF{number:02d}",
            defaults={
                "name": row["metric_display_text"].replace("  ", " ").strip()[:200],
                "definition": f"DfE National Framework indicator {number}, as DfE publishes it in {file}.",
                "unit": unit,
                "polarity": polarity,
                "frequency": "annual",
                "source": "dfe",
                "data_source": f"DfE: {file}.csv"[:100],
                "framework_outcome": row["accordion_text"][:120],
                "framework_domain": row["heading_text"][:120],
                "framework_order": number,
            },
        )
        if number in LOADED and not DfEMapping.objects.filter(kpi=published[number]).exists():
            _, _, _, numerator, denominator, counts, values = spec
            DfEMapping.objects.create(
                kpi=published[number],
                publication_file=file,
                numerator_filters=numerator,
                denominator_filters=denominator,
                count_columns=counts,
                value_columns=values,
            )
    # DfE's figures leave the local measures: to the indicator a measure tracks, or to a
    # published twin of its own.
    for mapping in DfEMapping.objects.filter(kpi__source="local").select_related("kpi"):
        local = mapping.kpi
        if local.code in TRACKS:
            target = published[TRACKS[local.code]]
            mapping.delete()
        else:
            target, _ = KPI.objects.get_or_create(
                code=f"{local.code}-DFE"[:12],
                defaults={
                    "name": f"{local.name} (DfE, year to 31 March)"[:200],
                    "definition": local.definition,
                    "unit": local.unit,
                    "polarity": local.polarity,
                    "frequency": "annual",
                    "source": "dfe",
                    "data_source": f"DfE: {mapping.publication_file}.csv"[:100],
                    "theme_id": local.theme_id,
                },
            )
            mapping.kpi = target
            mapping.save()
        local.tracks = target
        local.save(update_fields=["tracks"])
        moved = KPIValue.objects.filter(kpi=local, source_import__layout="dfe")
        moved.exclude(period_end__in=KPIValue.objects.filter(kpi=target).values("period_end")).update(
            kpi=target
        )
        KPIValue.objects.filter(kpi=local, area="council").delete()
    for code, number in TRACKS.items():
        KPI.objects.filter(code=code, tracks__isnull=True).update(tracks=published[number])


class Migration(migrations.Migration):
    dependencies = [("actions", "0019_national_framework")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
