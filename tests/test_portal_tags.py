import pytest
from django.template import Context, Template
from django.test import RequestFactory

from actions.templatetags.portal import suppress_small


@pytest.mark.parametrize(
    ("value", "shown"),
    [(0, 0), (1, "5 or fewer"), (4, "5 or fewer"), (5, "5 or fewer"), (6, 6), (120, 120), (None, "–")],
)
def test_small_numbers_about_children_are_suppressed(value, shown):
    assert suppress_small(value) == shown


def test_rag_tag_always_has_words_beside_its_colour():
    html = Template("{% load portal %}{% rag_tag 'red' %}").render(Context())
    assert html == '<strong class="govuk-tag govuk-tag--red">Red</strong>'


def test_query_with_keeps_filters_when_changing_the_page():
    request = RequestFactory().get("/plan/?theme=W&page=2")
    html = Template("{% load portal %}{% query_with page=3 %}").render(Context({"request": request}))
    assert html == "?theme=W&amp;page=3"
