from actions import extensions
from actions.extensions import PageSection, action_sections, register_action_section


def test_registered_sections_are_rendered_in_order_and_none_is_skipped(monkeypatch):
    monkeypatch.setattr(extensions, "_action_sections", [])

    @register_action_section
    def first(*, request, action):
        return PageSection("a.html", {"action": action})

    @register_action_section
    def nothing(*, request, action):
        return None

    register_action_section(first)  # registering twice adds it once
    assert action_sections(request=None, action="x") == [PageSection("a.html", {"action": "x"})]
