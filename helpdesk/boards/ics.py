"""An iCalendar (RFC 5545) file for a meeting, written by hand: one VEVENT in
Europe/Stockholm time with the zone's rules, CRLF line ends and lines folded at 75 octets."""
from __future__ import annotations

from datetime import timedelta

from helpdesk.models_base import utcnow

_VTIMEZONE = [
    "BEGIN:VTIMEZONE",
    "TZID:Europe/Stockholm",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "TZNAME:CEST",
    "DTSTART:19700329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "TZNAME:CET",
    "DTSTART:19701025T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
]


def escape_text(value: str) -> str:
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\n").replace("\n", "\\n"))


def fold(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 character."""
    out, current = [], b""
    for ch in line:
        encoded = ch.encode("utf-8")
        limit = 75 if not out else 74  # continuation lines start with a space
        if len(current) + len(encoded) > limit:
            out.append(current.decode("utf-8"))
            current = b""
        current += encoded
    out.append(current.decode("utf-8"))
    return "\r\n ".join(out)


def meeting_calendar(meeting, *, description: str, url: str, attendees: list[tuple[str, str]],
                     organiser: tuple[str, str] | None = None) -> str:
    from helpdesk.boards.services import STOCKHOLM

    start = meeting.starts_at.astimezone(STOCKHOLM)
    end = start + timedelta(minutes=meeting.duration_minutes)
    stamp = utcnow().strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//helpdesk//boards//SV", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", *_VTIMEZONE, "BEGIN:VEVENT",
             f"UID:{meeting.uid}", f"DTSTAMP:{stamp}", f"SEQUENCE:{meeting.sequence}",
             f"DTSTART;TZID=Europe/Stockholm:{start.strftime('%Y%m%dT%H%M%S')}",
             f"DTEND;TZID=Europe/Stockholm:{end.strftime('%Y%m%dT%H%M%S')}",
             f"SUMMARY:{escape_text(meeting.title)}",
             f"DESCRIPTION:{escape_text(description)}"]
    if meeting.location:
        lines.append(f"LOCATION:{escape_text(meeting.location)}")
    if url:
        lines.append(f"URL:{url}")
    if organiser:
        name, email = organiser
        lines.append(f'ORGANIZER;CN="{name.replace(chr(34), "")}":mailto:{email}')
    for name, email in attendees:
        lines.append(f'ATTENDEE;CN="{name.replace(chr(34), "")}";ROLE=REQ-PARTICIPANT:mailto:{email}')
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "".join(fold(line) + "\r\n" for line in lines)
