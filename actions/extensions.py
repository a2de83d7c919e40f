"""Extension points that let higher apps add to the plan's pages.

Dependencies run one way (actions ← participation ← panel), so an action's page
cannot import participation to show the feedback an action answers. Instead a higher
app registers a section provider in its ``AppConfig.ready``; the action page renders
whatever the providers return.
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class PageSection:
    template: str
    context: dict = field(default_factory=dict)


SectionProvider = Callable[..., PageSection | None]

_action_sections: list[SectionProvider] = []


def register_action_section(provider: SectionProvider) -> SectionProvider:
    """``provider(*, request, action)`` returns a PageSection, or None to show nothing."""
    if provider not in _action_sections:
        _action_sections.append(provider)
    return provider


def action_sections(*, request, action) -> list[PageSection]:
    sections = (provider(request=request, action=action) for provider in _action_sections)
    return [section for section in sections if section is not None]
