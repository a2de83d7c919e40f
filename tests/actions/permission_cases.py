from tests.actions.kpis import permission_cases as kpi_cases
from tests.permission_matrix import Case, expect


def build_world(users):
    return {**kpi_cases.build_world(users)}


CASES = [
    Case("home", expect(200)),
    *kpi_cases.CASES,
]
