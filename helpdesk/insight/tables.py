"""The overview's figures as named tables: the page shows each beside its chart and the CSV
download writes the same table, so both always hold the same numbers for the same viewer.
A table the viewer may not see (comments and searches for the vendor) is simply absent.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from flask_babel import format_decimal, format_percent
from flask_babel import lazy_gettext as _l

from helpdesk.insight.services import RATINGS, TIERS, Overview, Period, TierTimes
from helpdesk.labels import label
from helpdesk.tickets.models import TicketCategory


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list]


def hours(minutes: int | None) -> str:
    """Business minutes as hours with one decimal, in the reader's language ("2,5")."""
    return "–" if minutes is None else format_decimal(round(minutes / 60, 1), format="#,##0.0")


def _share(part: int, whole: int) -> str:
    """A share in the reader's format ("67 %" in Swedish, "67%" in English)."""
    return "–" if not whole else format_percent(part / whole)


def _summary(ov: Overview) -> Table:
    now, before = ov.now, ov.before
    rows = [
        [_l("Questions asked"), now.asked, before.asked],
        [_l("Questions resolved"), now.resolved, before.resolved],
        [_l("Open when the period began"), ov.open_at_start, ov.open_before_start()],
        [_l("Open when the period ended"), ov.open_at_end(), ov.open_at_start],
        *[[_l("Resolved at: %(tier)s", tier=label(t)), _share(now.resolved_by_tier.get(t, 0), now.resolved),
           _share(before.resolved_by_tier.get(t, 0), before.resolved)] for t in TIERS],
        *[[_l("Deadlines passed: %(tier)s", tier=label(t)), now.breaches.get(t, 0), before.breaches.get(t, 0)]
          for t in TIERS],
        [_l("Ratings given"), now.rated, before.rated],
        [_l("Average rating (1-5)"), _avg(now), _avg(before)],
    ]
    return Table(str(_l("Summary")), [str(_l("Figure")), str(_l("This period")), str(_l("Period before"))],
                 _text(rows))


def _avg(period: Period) -> str:
    return "–" if period.rating_average is None else format_decimal(period.rating_average, format="0.0#")


def _times(ov: Overview) -> Table:
    def cells(t: TierTimes) -> list:
        return [t.count, hours(t.median), hours(t.p90)]
    rows = [[label(t), *cells(ov.now.response[t]), *cells(ov.before.response[t]),
             *cells(ov.now.resolution[t]), *cells(ov.before.resolution[t])] for t in TIERS]
    headers = [_l("Tier")]
    for what in (_l("First response"), _l("Resolution")):
        for when in (_l("this period"), _l("period before")):
            headers += [_l("%(what)s, %(when)s: questions", what=what, when=when),
                        _l("%(what)s, %(when)s: median (h)", what=what, when=when),
                        _l("%(what)s, %(when)s: 90th percentile (h)", what=what, when=when)]
    return Table(str(_l("Time to first response and to resolution, in business hours")), _text([headers])[0],
                 _text(rows))


def _weekly(ov: Overview) -> Table:
    rows = [[w.isoformat(), *[ov.weekly_asked[t][i] for t in TIERS]] for i, w in enumerate(ov.weeks)]
    headers = [_l("Week starting"), *[label(t) for t in TIERS]]
    return Table(str(_l("Questions per week by tier")), _text([headers])[0], rows)


def _weekly_response(ov: Overview) -> Table:
    rows = [[w.isoformat(), *[hours(ov.weekly_response[t][i]) for t in TIERS]] for i, w in enumerate(ov.weeks)]
    headers = [_l("Week starting"), *[label(t) for t in TIERS]]
    return Table(str(_l("Median time to first response per week, in business hours")), _text([headers])[0], rows)


def _funnel(ov: Overview) -> Table:
    rows = [[label(t), ov.now.reached.get(t, 0), _share(ov.now.reached.get(t, 0), ov.now.asked),
             ov.before.reached.get(t, 0)] for t in TIERS]
    return Table(str(_l("Escalation funnel")),
                 _text([[_l("Reached tier"), _l("Questions"), _l("Share of questions asked"), _l("Period before")]])[0],
                 rows)


def _satisfaction(ov: Overview) -> Table:
    rows = [[r, ov.now.ratings.get(r, 0), ov.before.ratings.get(r, 0)] for r in RATINGS]
    return Table(str(_l("Satisfaction")),
                 _text([[_l("Rating"), _l("This period"), _l("Period before")]])[0], rows)


def _categories(ov: Overview) -> Table:
    rows = [[label(c), n, ov.before.categories.get(c, 0)] for c, n in ov.now.categories.items()]
    return Table(str(_l("Top categories")),
                 _text([[_l("Category"), _l("This period"), _l("Period before")]])[0], rows)


def _heat(ov: Overview) -> Table:
    headers = [_l("School"), *[label(c) for c in TicketCategory], _l("Total"), _l("Per 100 staff and pupils")]
    rows = [[name, *[counts.get(c, 0) for c in TicketCategory], total,
             "–" if per_100 is None else format_decimal(per_100, format="0.0")]
            for name, counts, total, per_100 in ov.heat]
    return Table(str(_l("Questions per school and category")), _text([headers])[0], rows)


def _comments(ov: Overview) -> Table:
    rows = [[rating, comment, rated_at.date().isoformat()] for rating, comment, rated_at in ov.comments]
    return Table(str(_l("Latest rating comments")),
                 _text([[_l("Rating"), _l("Comment"), _l("Date")]])[0], rows)


def _searches(ov: Overview) -> Table:
    return Table(str(_l("Searches that found nothing")),
                 _text([[_l("Searched for"), _l("Times")]])[0], [list(r) for r in ov.searches["top"]])


def _text(rows: list[list]) -> list[list]:
    return [[str(c) if not isinstance(c, int) else c for c in row] for row in rows]


def tables(ov: Overview, vendor_only: bool) -> dict[str, Table]:
    out = {"summary": _summary(ov), "times": _times(ov), "weekly": _weekly(ov),
           "weekly_response": _weekly_response(ov), "funnel": _funnel(ov),
           "satisfaction": _satisfaction(ov), "categories": _categories(ov), "schools": _heat(ov)}
    if not vendor_only:
        out["comments"] = _comments(ov)
    if ov.searches is not None:
        out["searches"] = _searches(ov)
    return out


def to_csv(table: Table) -> bytes:
    """UTF-8 with a byte-order mark and semicolons: what Excel in Swedish opens directly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(table.headers)
    writer.writerows(table.rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
