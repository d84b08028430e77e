"""Walk Dash component trees in tests: every component, and the text a planner would read."""

from __future__ import annotations

from dash import html


def components(component) -> list:
    """``component`` and every component below it, depth first."""
    found = [component]
    children = getattr(component, "children", None)
    if isinstance(children, list | tuple):
        for child in children:
            found += components(child)
    elif children is not None and not isinstance(children, str | int | float):
        found += components(children)
    return found


def text(component) -> str:
    """All text inside a component tree; table cells end in '|'."""
    if component is None:
        return ""
    if isinstance(component, str | int | float):
        return str(component)
    if isinstance(component, list | tuple):
        return "".join(text(child) for child in component)
    inner = text(getattr(component, "children", None))
    return inner + ("|" if isinstance(component, html.Td | html.Th) else "")
