"""The user guides' screenshots: which ones the browser tests take, and how.

``SCREENSHOTS`` declares, per guide, the pictures its role's journey takes at each size;
``tests/browser/test_guide_journeys.py`` fails if a journey does not take every one it
declares, and ``tests/panel/test_help.py`` fails if a guide shows a picture not declared
here, so a guide can only show pages that a test has walked through.

The journeys always take them; they are written into docs/guide/img/ only with
``GUIDE_SCREENSHOTS=1`` (otherwise into a temporary folder), so that an ordinary test run
leaves the committed pictures alone.
"""

import io
import os
from pathlib import Path

from PIL import Image

from panel.guide import IMAGE_DIR

SIZES = {
    "laptop": {"width": 1280, "height": 800},
    "phone": {"width": 375, "height": 812},
}

SCREENSHOTS: dict[str, tuple[str, ...]] = {
    "panel-member": ("dashboard", "measures", "measure", "report"),
    "subgroup-lead": ("my-actions", "action", "update-form", "update-added"),
    "participation-officer": ("groups", "session-form", "session-saved", "messages", "message"),
    "iv-coordinator": ("home", "referral-form", "match-form", "visit-form", "referral"),
    "administrator": ("import-form", "import-preview", "import-done", "users", "user-roles"),
}
# Screenshots keep to a palette: GOV.UK pages have few colours, and this makes each picture
# a quarter of its size or less.
COLOURS = 96


def file_name(guide: str, name: str, size: str) -> str:
    return f"{guide}-{name}-{size}.png"


def all_file_names() -> set[str]:
    return {
        file_name(guide, name, size)
        for guide, names in SCREENSHOTS.items()
        for name in names
        for size in SIZES
    }


def output_dir(tmp_path: Path) -> Path:
    return IMAGE_DIR if os.environ.get("GUIDE_SCREENSHOTS") == "1" else tmp_path


class Camera:
    """Takes one role's declared screenshots at one size."""

    def __init__(self, page, *, guide: str, size: str, folder: Path):
        self.page, self.guide, self.size, self.folder = page, guide, size, folder
        self.taken: list[str] = []

    def shot(self, name: str, *, at=None) -> None:
        """The visible part of the page, scrolled to ``at`` (a locator) when given."""
        assert name in SCREENSHOTS[self.guide], f"declare {name!r} in SCREENSHOTS[{self.guide!r}]"
        self.page.wait_for_load_state("load")
        if at is not None:
            at.first.evaluate("(element) => element.scrollIntoView({block: 'start'})")
        png = self.page.screenshot(animations="disabled", caret="hide")
        image = Image.open(io.BytesIO(png)).convert("RGB")
        small = image.quantize(colors=COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        small.save(self.folder / file_name(self.guide, name, self.size), optimize=True)
        self.taken.append(name)

    def assert_took_every_declared_one(self) -> None:
        missing = [name for name in SCREENSHOTS[self.guide] if name not in self.taken]
        assert not missing, f"{self.guide} ({self.size}) did not take {missing}"
