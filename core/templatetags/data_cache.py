"""``{% cached "name" part… on "tables…" with value=function… %}…{% endcached %}``: a fragment
kept until a table it rests on changes (``core.cache.cached``; its docstring says what may be
a part and what must stay outside).

- The parts name everything the fragment depends on besides the data. A part that is None
  means "do not keep this one" (say, a filter form with errors, whose page shows them).
- ``on`` names the tables (or apps) the fragment rests on, as one or more space-separated
  strings.
- ``with`` names values computed only when the fragment is not kept: each is a function the
  view passes, called once here and given to the fragment under the name on the left.
- ``stale_while_computing`` last: while one request computes the fragment again after a write,
  others get it as it was at once (``core.cache.cached``; shared pages only).
"""

from django import template

from core.cache import cached_html

register = template.Library()


class CachedNode(template.Node):
    def __init__(self, nodelist, name, parts, tables, computed, *, stale_while_computing=False):
        self.stale_while_computing = stale_while_computing
        self.nodelist = nodelist
        self.name = name
        self.parts = parts
        self.tables = tables
        self.computed = computed

    def _render(self, context) -> str:
        with context.push(**{name: value.resolve(context) for name, value in self.computed.items()}):
            return self.nodelist.render(context)

    def render(self, context):
        parts = [part.resolve(context) for part in self.parts]
        if any(part is None for part in parts):
            return self._render(context)
        tables = [table for expr in self.tables for table in str(expr.resolve(context)).split()]
        name = f"fragment:{self.name.resolve(context)}"
        return cached_html(
            name,
            parts,
            lambda: self._render(context),
            tables=tables,
            stale_while_computing=self.stale_while_computing,
        )


@register.tag("cached")
def do_cached(parser, token):
    bits = token.split_contents()
    usage = '{% cached "name" part… on "tables…" [with value=function…] [stale_while_computing] %}'
    stale_while_computing = bits[-1] == "stale_while_computing"
    if stale_while_computing:
        bits = bits[:-1]
    if len(bits) < 2 or "on" not in bits:
        raise template.TemplateSyntaxError(f"{{% cached %}} needs a name and the tables it rests on: {usage}")
    on = bits.index("on")
    with_at = bits.index("with") if "with" in bits else len(bits)
    tables = bits[on + 1 : with_at]
    if not tables or with_at < on:
        raise template.TemplateSyntaxError(f"Name the tables after 'on': {usage}")
    rest = bits[with_at + 1 :]
    computed = template.base.token_kwargs(rest, parser, support_legacy=False)
    if with_at < len(bits) and (not computed or rest):
        raise template.TemplateSyntaxError(f"After 'with', give name=function pairs: {usage}")
    nodelist = parser.parse(("endcached",))
    parser.delete_first_token()
    return CachedNode(
        nodelist,
        parser.compile_filter(bits[1]),
        [parser.compile_filter(bit) for bit in bits[2:on]],
        [parser.compile_filter(bit) for bit in tables],
        computed,
        stale_while_computing=stale_while_computing,
    )
