"""Form widgets shared by several capabilities."""
from __future__ import annotations

from markupsafe import Markup, escape
from wtforms.widgets import html_params


class WrappedCheckboxList:
    """A list of checkboxes, each inside its label, so box and name stay on one line whatever
    the label styling (WTForms' ListWidget puts the label after the box, and labels are blocks).
    Touch-friendly too: the whole line is the tap target, no Ctrl-click as in a multi-select."""

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        extra = str(kwargs.pop("class", kwargs.pop("class_", ""))).split()
        kwargs["class"] = " ".join(["choice-list"] + [c for c in extra if c != "choice-list"])
        items = "".join(
            f'<li><label for="{escape(sub.id)}">{sub()} {escape(sub.label.text)}</label></li>' for sub in field)
        return Markup(f"<ul {html_params(**kwargs)}>{items}</ul>")
