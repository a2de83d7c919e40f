"""Seed data for DfE's open data: how each library measure DfE publishes is read from
its 2025 files (editable in the Django admin), and DfE's statistical-neighbour models
of April 2021 and 2025."""

from django.db import migrations

from actions.kpis.neighbours import PUBLISHED_MODELS, load_neighbour_model

PERCENT = "children_percent, percentage"
COUNT = "children_count, number"
LEAVER_PERCENT = "care_leaver_percent, percentage"
LEAVER_COUNT = "care_leaver_count, number"
HEALTH = "la_conviction_health_outcome_cla"
ACTIVITY = "la_care_leavers_activity"
STABILITY = "la_cla_placement_stability"
ALL_AGES = "Health assessments: Children looked after all ages"
EET = "Total in education, employment or training"

MAPPINGS = [
    (
        "W01",
        HEALTH,
        {"characteristic": ALL_AGES, "breakdown": "Had their annual health assessment"},
        {"breakdown": "Total all ages"},
        COUNT,
        PERCENT,
    ),
    (
        "W02",
        HEALTH,
        {"characteristic": ALL_AGES, "breakdown": "Had their teeth checked by a dentist"},
        {"breakdown": "Total all ages"},
        COUNT,
        PERCENT,
    ),
    (
        "W03",
        HEALTH,
        {"characteristic": "Ages 5 to 16 years with SDQ score", "breakdown": "SDQ score was received"},
        {"breakdown": "Total ages 5 to 16 years"},
        COUNT,
        PERCENT,
    ),
    (
        "I02",
        ACTIVITY,
        {"care_leaver_age": "19 to 21 years", "breakdown": EET},
        {"breakdown": "Total"},
        LEAVER_COUNT,
        LEAVER_PERCENT,
    ),
    (
        "I03",
        ACTIVITY,
        {"care_leaver_age": "17 to 18 years", "breakdown": EET},
        {"breakdown": "Total"},
        LEAVER_COUNT,
        LEAVER_PERCENT,
    ),
    (
        "S01",
        STABILITY,
        {"cla_group": "CLA on 31 March", "placement_stability": "With 3 or more placements during the year"},
        {"placement_stability": "Total children"},
        COUNT,
        PERCENT,
    ),
    (
        "S02",
        STABILITY,
        {
            "cla_group": "Children looked after continuously for at least 2.5 years on 31 March aged under 16 years",
            "placement_stability": "Living with the same carer for at least 2 years",
        },
        {"placement_stability": "Total children"},
        COUNT,
        PERCENT,
    ),
    (
        "S04",
        "la_care_leavers_accommodation_suitability",
        {"care_leaver_age": "19 to 21 years", "breakdown": "Accommodation considered suitable"},
        {"breakdown": "Suitability total"},
        LEAVER_COUNT,
        LEAVER_PERCENT,
    ),
    (
        "CLA",
        "cla_number_and_rate_per_10k_children",
        {"population_type": "Children looked after on 31 March each year"},
        {},
        COUNT,
        "",
    ),
]


def seed(apps, schema_editor):
    KPI = apps.get_model("actions", "KPI")
    DfEMapping = apps.get_model("actions", "DfEMapping")
    kpis = {kpi.code: kpi for kpi in KPI.objects.filter(code__in=[row[0] for row in MAPPINGS])}
    for code, file, numerator, denominator, counts, values in MAPPINGS:
        if code in kpis and not DfEMapping.objects.filter(kpi=kpis[code], publication_file=file).exists():
            DfEMapping.objects.create(
                kpi=kpis[code],
                publication_file=file,
                numerator_filters=numerator,
                denominator_filters=denominator,
                count_columns=counts,
                value_columns=values,
            )
    for name, in_force_from, path in PUBLISHED_MODELS:
        load_neighbour_model(path=path, name=name, in_force_from=in_force_from, apps=apps)


class Migration(migrations.Migration):
    dependencies = [("actions", "0012_dfe_open_data")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
