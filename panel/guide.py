"""The user guides: one Markdown page per role in docs/guide/, shown under "Help".

The guides are ours, but they are rendered through an allow-list all the same (nh3), so a
slip in a guide (raw HTML, a ``javascript:`` link) can never reach the page as markup.
Screenshots live in docs/guide/img/ and are served as static files under ``guide/``.
"""

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import markdown
import nh3
from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from actions.roles import Role, user_roles

GUIDE_DIR = Path(settings.BASE_DIR) / "docs" / "guide"
IMAGE_DIR = GUIDE_DIR / "img"
IMAGE_PREFIX = "img/"
IMAGE_LINK = re.compile(r"!\[[^\]]*\]\(img/([^)\s]+)\)")


@dataclass(frozen=True)
class Guide:
    slug: str
    role: str

    @property
    def path(self) -> Path:
        return GUIDE_DIR / f"{self.slug}.md"

    @property
    def title(self) -> str:
        """The guide's first heading."""
        for line in self.path.read_text(encoding="utf-8").splitlines():
            if line.startswith("# "):
                return line[2:].strip()
        return self.role

    def get_absolute_url(self) -> str:
        return reverse("help_guide", args=[self.slug])


GUIDES = (
    Guide("panel-member", Role.PANEL_MEMBER),
    Guide("subgroup-lead", Role.SUBGROUP_LEAD),
    Guide("participation-officer", Role.PARTICIPATION_OFFICER),
    Guide("iv-coordinator", Role.IV_COORDINATOR),
    Guide("administrator", Role.ADMINISTRATOR),
)


def guide_named(slug: str) -> Guide | None:
    return next((guide for guide in GUIDES if guide.slug == slug), None)


def guides_for(user) -> list[Guide]:
    """Every guide, the user's own roles' first (in the order above)."""
    roles = user_roles(user)
    return sorted(GUIDES, key=lambda guide: guide.role not in roles)


# GOV.UK Frontend styles classes, not bare elements.
CLASSES = {
    "h1": "govuk-heading-xl",
    "h2": "govuk-heading-l",
    "h3": "govuk-heading-m",
    "p": "govuk-body",
    "ul": "govuk-list govuk-list--bullet",
    "ol": "govuk-list govuk-list--number",
    "a": "govuk-link",
    "table": "govuk-table",
    "tr": "govuk-table__row",
    "th": "govuk-table__header",
    "td": "govuk-table__cell",
}
ALLOWED_TAGS = {*CLASSES, "li", "code", "strong", "em", "img", "thead", "tbody", "br", "hr", "blockquote"}
ALLOWED_ATTRIBUTES = {"*": {"class"}, "a": {"href"}, "img": {"src", "alt"}}


class _GovukTreeprocessor(Treeprocessor):
    """Gives each element its GOV.UK class; points links between guides (``subgroup-lead.md``)
    at their Help pages, and screenshots at the static files."""

    def run(self, root: ET.Element) -> None:
        for element in root.iter():
            if element.tag in CLASSES:
                element.set("class", CLASSES[element.tag])
            if element.tag == "a":
                href = element.get("href", "")
                guide = guide_named(href.removesuffix(".md")) if href.endswith(".md") else None
                if guide is not None:
                    element.set("href", guide.get_absolute_url())
        for parent in list(root.iter()):
            for position, image in enumerate(list(parent)):
                if image.tag == "img" and image.get("src", "").startswith(IMAGE_PREFIX):
                    parent[position] = self._screenshot(image, linked=parent.tag != "a")

    @staticmethod
    def _screenshot(image: ET.Element, *, linked: bool) -> ET.Element:
        """The picture from the static files. A laptop's page shrinks to the column, so it
        is also a link to itself at full size."""
        name = image.get("src").removeprefix(IMAGE_PREFIX)
        size = "phone" if name.endswith("-phone.png") else "laptop"
        image.set("src", static(f"guide/{name}"))
        image.set("class", f"hcp-guide__screenshot hcp-guide__screenshot--{size}")
        if size == "phone" or not linked:
            return image
        link = ET.Element("a", {"href": image.get("src"), "class": "govuk-link"})
        link.tail, image.tail = image.tail, None
        link.append(image)
        return link


class _GovukExtension(Extension):
    def extendMarkdown(self, md):
        md.treeprocessors.register(_GovukTreeprocessor(md), "govuk", 0)


def render_markdown(text: str) -> SafeString:
    html = markdown.markdown(text, extensions=["tables", _GovukExtension()])
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"https", "mailto"},
        link_rel=None,
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above


def render_guide(guide: Guide) -> SafeString:
    return render_markdown(guide.path.read_text(encoding="utf-8"))


def image_names(text: str) -> set[str]:
    """The screenshots a guide's Markdown shows (``![…](img/name.png)``)."""
    return set(IMAGE_LINK.findall(text))
