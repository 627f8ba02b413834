"""Text shared by every capability: safe Markdown, masking civic numbers in free text, and
dropping control characters."""
from __future__ import annotations

import re

import markdown as md
import nh3

_ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "code", "pre",
    "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td", "del",
    "sup", "sub", "dl", "dt", "dd", "abbr", "kbd",
}
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}, "td": set()}


# C0 controls and DEL, but not tab, line feed and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def without_control_characters(value: str) -> str:
    """Text as typed, without control characters: nobody means them, and PostgreSQL refuses
    NUL in text."""
    return _CONTROL.sub("", value)


def without_control_characters_in(value):
    """The same for every string inside a parsed JSON document (keys too)."""
    if isinstance(value, str):
        return without_control_characters(value)
    if isinstance(value, list):
        return [without_control_characters_in(v) for v in value]
    if isinstance(value, dict):
        return {without_control_characters_in(k): without_control_characters_in(v) for k, v in value.items()}
    return value


def render_markdown(source: str) -> str:
    """Markdown to HTML with no script, no event handler, no style and no javascript: link.

    Headings start at h2 because the page's h1 is the title. Raw HTML in the source is
    escaped by the sanitizer, never passed through.
    """
    html = md.markdown(source or "", extensions=["extra", "sane_lists"], output_format="html")
    html = re.sub(r"<(/?)h1>", r"<\1h2>", html)
    return nh3.clean(html, tags=_ALLOWED_TAGS, attributes=_ALLOWED_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer nofollow")


# A personnummer or samordningsnummer as people paste it: 6 or 8 digits of date, an
# optional - or +, four digits; or a temporary number with TF. The date part must look like
# a date (month 01-12, day 01-31 or 61-91) so order numbers and phone numbers are left alone.
_CIVIC = re.compile(
    r"(?<![\d-])((?:19|20)?\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01]|6[1-9]|[78]\d|9[01])"
    r"\s?([-+]?)\s?(\d{3}[\dX]|TF\d{2})(?!\d)",
    re.IGNORECASE,
)


def mask_civic_numbers(text: str) -> tuple[str, bool]:
    """Replace what looks like a civic number with YYMMDD-XXXX; returns (text, changed)."""
    changed = False

    def repl(match: re.Match) -> str:
        nonlocal changed
        changed = True
        year, month, day, sep, _ = match.groups()
        return f"{year}{month}{day}{sep or '-'}XXXX"

    return _CIVIC.sub(repl, text or ""), changed
