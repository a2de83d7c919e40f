"""Start-up warming: every portal template compiles, and nothing touches the database."""

import pytest

from havering_cp.warmup import portal_template_names, warm_up

pytestmark = pytest.mark.django_db


def test_every_portal_template_compiles_at_start_up_without_a_query(django_assert_num_queries):
    names = portal_template_names()
    assert "base.html" in names and "panel/dashboard.html" in names
    with django_assert_num_queries(0):
        assert warm_up() == len(names)
