"""Swedish civic numbers: personnummer, samordningsnummer and temporary TF numbers.

The `personnummer` package validates the first two; temporary numbers (YYYYMMDD-TFNN),
which a municipality hands out to people without either, need a check of our own.
"""
from __future__ import annotations

import re
from datetime import date

from personnummer import personnummer as pnr

_TEMPORARY = re.compile(r"^(\d{4})(\d{2})(\d{2})-?TF(\d{2})$", re.IGNORECASE)


class InvalidCivicNumber(ValueError):
    pass


def is_temporary(value: str) -> bool:
    return bool(_TEMPORARY.match(value.strip()))


def normalise(value: str) -> str:
    """Return the 12-character stored form, or raise InvalidCivicNumber."""
    value = value.strip()
    match = _TEMPORARY.match(value)
    if match:
        year, month, day, serial = match.groups()
        try:
            date(int(year), int(month), int(day))
        except ValueError as exc:
            raise InvalidCivicNumber(value) from exc
        return f"{year}{month}{day}TF{serial}"
    try:
        parsed = pnr.parse(value)
    except (pnr.PersonnummerException, ValueError, TypeError) as exc:
        raise InvalidCivicNumber(value) from exc
    return parsed.format(True)


def mask(value: str | None) -> str:
    """YYYYMMDD-XXXX: enough to tell people apart on screen, too little to identify them."""
    if not value:
        return ""
    return f"{value[:8]}-XXXX"
