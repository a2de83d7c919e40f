"""Template tags and filters shared by every app's pages."""

from django import forms, template
from django.utils.html import format_html

from actions.rag import RAG
from core import disclosure
from core.formatting import person_name, uk_date, uk_date_short

register = template.Library()

register.filter("person_name", person_name)
register.filter("uk_date", uk_date)
register.filter("uk_date_short", uk_date_short)


@register.filter
def suppress_small(value):
    """A count about children as a panel member may see it (``core.disclosure``)."""
    if value is None or value == "":
        return "–"
    try:
        number = int(value)
    except (TypeError, ValueError):
        return value
    return disclosure.count(number)


@register.simple_tag
def disclosure_words():
    """What a suppressed figure reads ("5 or fewer"), for pages that explain the rule."""
    return disclosure.suppressed_words()


@register.filter
def is_disclosive(count) -> bool:
    """True for a count a panel member may not see (and so nothing worked out from it)."""
    return disclosure.is_disclosive(count)


@register.simple_tag
def disclosure_threshold():
    """The largest count of children that is suppressed (5 unless set)."""
    return disclosure.threshold()


@register.simple_tag
def rag_tag(rag):
    """A GOV.UK tag with the RAG rating's colour and its words."""
    rag = RAG(rag or RAG.NONE)
    return format_html('<strong class="govuk-tag {}">{}</strong>', rag.tag_class, rag.label)


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters changed (for pagination and sorting)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


class ScrollRegionNode(template.Node):
    def __init__(self, nodelist, label_parts):
        self.nodelist, self.label_parts = nodelist, label_parts

    def render(self, context):
        label = " ".join(str(part.resolve(context)) for part in self.label_parts)
        return format_html(
            '<div class="hcp-scroll-region" role="region" tabindex="0" aria-label="{}">{}</div>',
            label,
            self.nodelist.render(context),
        )


@register.tag
def scroll_region(parser, token):
    """``{% scroll_region theme.name "actions" %}<table>…</table>{% endscroll_region %}``: a
    wide table scrolls sideways inside a focusable region labelled by the words given
    (joined by spaces), never the page (WCAG 1.4.10)."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("scroll_region needs the region's label")
    nodelist = parser.parse(("endscroll_region",))
    parser.delete_first_token()
    return ScrollRegionNode(nodelist, [parser.compile_filter(bit) for bit in bits[1:]])


def first_input_id(bound_field) -> str:
    """The id of the first input of a field, where an error summary link must lead (GOV.UK).

    A date's first box at fault, else its day box (``_0``, Django's multi-widget ids); the
    first radio or checkbox (``_1``: crispy-forms-gds numbers its items from 1); otherwise
    the field's own input.
    """
    widget = bound_field.field.widget
    if isinstance(widget, forms.MultiWidget):
        parts = getattr(bound_field.field, "fields", ())
        at_fault = [index for index, part in enumerate(parts) if getattr(part.widget, "errors", None)]
        return f"{bound_field.auto_id}_{at_fault[0] if at_fault else 0}"
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return f"{bound_field.auto_id}_1"
    return bound_field.auto_id


@register.filter
def error_links(form) -> list[tuple[str, str]]:
    """A form's errors as (id of the input to focus, message), in the order of the page:
    errors about the whole form lead to its first field."""
    fields = form.visible_fields()
    first = first_input_id(fields[0]) if fields else ""
    links = [(first, error) for error in form.non_field_errors()]
    for bound_field in fields:
        links += [(first_input_id(bound_field), error) for error in bound_field.errors]
    return links
