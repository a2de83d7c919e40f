"""``{% cached "name" part1 part2 %}…{% endcached %}``: a fragment kept until the data changes.

The parts name everything the fragment depends on besides the portal's data (a date, a KPI,
whether the viewer sees small numbers). Never put a form with a CSRF token, the viewer's name
or anything only they may see inside: the fragment is shared by everyone with the same parts.
"""

from django import template

from core.cache import cached_html

register = template.Library()


class CachedNode(template.Node):
    def __init__(self, nodelist, name, parts):
        self.nodelist = nodelist
        self.name = name
        self.parts = parts

    def render(self, context):
        parts = [part.resolve(context) for part in self.parts]
        return cached_html(
            f"fragment:{self.name.resolve(context)}", parts, lambda: self.nodelist.render(context)
        )


@register.tag("cached")
def do_cached(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% cached %} needs a name, then the parts it depends on.")
    nodelist = parser.parse(("endcached",))
    parser.delete_first_token()
    return CachedNode(nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(b) for b in bits[2:]])
