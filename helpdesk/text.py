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


# A personnummer, samordningsnummer or temporary number (reservnummer) as people write it:
# the date with or without century, then a hyphen, plus, any dash (en dash, minus sign, ...)
# or a space, or nothing, then four digits, or TF and two digits. Numbers glued to letters or
# punctuation ("elev-20140101-9995", "ID-20140101-9995", "x201401019995y") count: only a
# digit right before or after means the digits belong to a longer number. The date part
# must look like a date (month 01-12, day 01-31, or 61-91 for a samordningsnummer), which
# leaves ticket numbers (EXK-2026-00001), dates (2026-12-02) and phone numbers written with
# groups (070-123 45 67, 08-123 456 78) alone.
_DASHES = "\\-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_SPACE = "[ \t\u00a0\u2009\u202f]"
_CIVIC = re.compile(
    r"(?<![0-9])(?P<century>19|20)?(?P<date>[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01]|6[1-9]|[78][0-9]|9[01]))"
    rf"(?P<sep>{_SPACE}?[+{_DASHES}]{_SPACE}?|{_SPACE})?"
    r"(?P<last>[0-9]{4}|TF[0-9]{2})(?![0-9])",
    re.IGNORECASE,
)


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(digits):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _is_civic(match: re.Match) -> bool:
    """Luhn decides only for ten bare digits. Written with a separator or a century, the
    shape alone says "personnummer", and a municipality would rather hide a mistyped one
    (still a child's birth date and almost all of their number) than show it. Ten digits
    with nothing between are also how people write phone numbers (0701234567) and order
    numbers, so there the check digit must hold."""
    if match["sep"] or match["century"] or not match["last"].isdigit():
        return True
    return _luhn_ok(match["date"] + match["last"])


def mask_civic_numbers(text: str) -> tuple[str, bool]:
    """Replace the last four of every personnummer, samordningsnummer and temporary number
    in free text with XXXX (YYMMDD-XXXX, YYYYMMDD-XXXX): the date helps a reader tell which
    child is meant, the last four are what makes it a civic number. Returns (text, changed).
    Already masked text stays as it is, so masking twice is harmless."""
    changed = False

    def repl(match: re.Match) -> str:
        nonlocal changed
        if not _is_civic(match):
            return match[0]
        changed = True
        # Only the last four go; the rest stays as typed, so the text keeps its length
        # and still fits its column.
        return match[0][: match.start("last") - match.start()] + "XXXX"

    return _CIVIC.sub(repl, text or ""), changed


def masked(text: str | None) -> str | None:
    """The text with civic numbers masked; None stays None. The one function every free
    text passes before it is stored, logged, indexed or mailed (see models_base.MASKED)."""
    if text is None:
        return None
    return mask_civic_numbers(text)[0]
