"""Template tags of the delivery plan's pages."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_section(context, section):
    """Render a PageSection (actions.extensions) with the page's context plus its own."""
    with context.push(section.context):
        return context.template.engine.get_template(section.template).render(context)
