"""The daily rollup against the tickets: random work through the ticket service (and the
tick, whose escalation is a plain UPDATE) on the demo's six months of history, then the
overview from the rollup as it was kept must equal the overview after `rollup.rebuild()`
and the figures counted here, straight from the tickets, one by one."""
from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest
from sqlalchemy import select

from helpdesk.directory.models import School
from helpdesk.extensions import db
from helpdesk.insight import rollup, services
from helpdesk.insight.filters import Filters
from helpdesk.insight.models import InsightDay
from helpdesk.insight.services import TierTimes
from helpdesk.tickets.models import EventKind, Ticket, TicketCategory, TicketEvent, Tier
from tests.support.clock import day_ahead
from tests.support.desk_work import Desk, user

TIERS = [Tier.LOCAL, Tier.CENTRAL, Tier.VENDOR]
OPS = ["file", "respond", "escalate", "resolve", "reopen", "rate", "category", "school", "delete", "tick"]


def _views(who: dict, schools: list[int]) -> list[tuple]:
    year = Filters(day_ahead(-200), day_ahead(1))
    month = Filters(day_ahead(-30), day_ahead(0))  # its period before is also in the history
    return [(who["central"], year), (who["central"], month), (who["local"], month), (who["vendor"], year),
            (who["central"], replace(year, school_id=schools[1])),
            (who["central"], replace(month, category=TicketCategory.LOGIN)),
            (who["central"], replace(year, tier=Tier.CENTRAL))]


def _nearest_rank(values: list[int], percentile: int) -> int | None:
    """The exact nearest-rank percentile."""
    return sorted(values)[-(-len(values) * percentile // 100) - 1] if values else None


def _times(values: list[int]) -> TierTimes:
    return TierTimes(len(values), _nearest_rank(values, 50), _nearest_rank(values, 90)) if values else TierTimes()


def _within_bound(shown: TierTimes, exact: TierTimes) -> bool:
    """As the README states it: the count exact, each percentile at or above the exact one by
    less than 6 minutes or 1/40 of it, whichever is more (the slot it falls in)."""
    if shown.count != exact.count:
        return False
    return all((a is None and b is None) or (a is not None and b is not None
                                             and 0 <= a - b < max(rollup.SLOT, b / rollup.SLOTS_PER_DOUBLING))
               for a, b in ((shown.median, exact.median), (shown.p90, exact.p90)))


def _counted_from_tickets(org_id: int, f: Filters) -> dict:
    every = list(db.session.scalars(select(Ticket).where(Ticket.organisation_id == org_id)))

    def within(moment) -> bool:
        return moment is not None and f.since <= moment < f.until

    asked = [t for t in every if within(t.created_at)]
    resolved = [t for t in every if within(t.resolved_at)]
    rated = [t for t in every if within(t.rated_at) and t.rating is not None]
    breaches = Counter(kind.split("_")[0] for kind, at in db.session.execute(
        select(TicketEvent.to_value, TicketEvent.created_at).join(Ticket, Ticket.id == TicketEvent.ticket_id)
        .where(Ticket.organisation_id == org_id, TicketEvent.kind == EventKind.SLA_BREACHED)) if within(at))
    return {
        "asked": len(asked),
        "reached": {Tier.LOCAL: len(asked), Tier.CENTRAL: sum(t.was_escalated for t in asked),
                    Tier.VENDOR: sum(t.vendor_escalated_at is not None for t in asked)},
        "resolved_by_tier": {t: sum(r.tier is t for r in resolved) for t in TIERS},
        "ratings": {r: sum(t.rating == r for t in rated) for r in range(1, 6)},
        "breaches": {t: breaches[t.value] for t in TIERS},
        "response": {t: _times([m for a in asked if (m := getattr(a, f"{t.value}_response_minutes")) is not None])
                     for t in TIERS},
        "resolution": {t: _times([r.resolution_minutes for r in resolved if r.tier is t
                                  and r.resolution_minutes is not None]) for t in TIERS},
    }


def _open_at(org_id: int, moment, f: Filters) -> int:
    """Questions open at `moment`, straight from the tickets: filed before it and not resolved
    before it (reopening clears when a question was resolved)."""
    return sum(1 for t in db.session.scalars(select(Ticket).where(Ticket.organisation_id == org_id))
               if t.created_at < moment and (t.resolved_at is None or t.resolved_at >= moment)
               and all(v is None or getattr(t, k) == v for k, v in (("school_id", f.school_id),
                                                                     ("category", f.category), ("tier", f.tier))))


def test_the_rollup_kept_by_the_ticket_service_equals_a_recount(history_app, monkeypatch):
    with history_app.test_request_context():
        assert db.session.scalar(select(InsightDay.id).limit(1)) is not None  # the demo loader filled it
        desk = Desk.of_demo()
        who, org_id, schools = desk.who, desk.organisation_id, desk.schools
        done = desk.work(OPS, 200, seed=7)
        done["tick"] += done["tick that moved questions"]
        assert all(done[op] for op in OPS), done
        views = _views(who, schools)
        # One moment for every overview below: "open now" sorts questions by age (a week, a
        # month, the oldest in days), and the rebuild between the first look and the last can
        # take seconds on a busy machine, long enough for a question to cross a week's mark.
        moment = services.utcnow()
        monkeypatch.setattr(services, "utcnow", lambda: moment)
        kept = [services.overview(viewer, f) for viewer, f in views]
        for (_, f), ov in zip(views[:2], kept[:2], strict=True):
            for period, p in ((ov.now, f), (ov.before, f.before())):
                direct = _counted_from_tickets(org_id, p)
                times = {name: direct.pop(name) for name in ("response", "resolution")}
                assert {name: getattr(period, name) for name in direct} == direct
                for name, exact in times.items():
                    for tier in TIERS:
                        assert _within_bound(getattr(period, name)[tier], exact[tier]), (name, tier)
        # Open when each period began and ended, for the central admin's views (any filter), and
        # for a period that ended weeks ago (the days after it are read, not the period's counts).
        past = Filters(day_ahead(-60), day_ahead(-20))
        for (viewer, f), ov in [*zip(views, kept, strict=True), ((who["central"], past),
                                                                  services.overview(who["central"], past))]:
            if viewer is who["central"]:
                assert (ov.open_at_start, ov.open_before_start(), ov.open_at_end()) == (
                    _open_at(org_id, f.since, f), _open_at(org_id, f.before().since, f),
                    _open_at(org_id, f.until, f)), f
        rollup.rebuild()
        db.session.commit()
        assert [services.overview(viewer, f) for viewer, f in views] == kept


@pytest.mark.parametrize("change", ["resolve_then_reopen", "delete"])
def test_a_day_left_by_a_question_is_counted_again(history_app, change):
    """Reopening clears the day it was resolved; a deleted question leaves every day it counted on."""
    with history_app.test_request_context():
        central = user("central@exempelkommun.se")
        ticket = db.session.scalar(select(Ticket).where(Ticket.organisation_id == central.organisation_id,
                                                        Ticket.resolved_at.is_not(None), Ticket.rating.is_not(None))
                                   .order_by(Ticket.id).limit(1))
        f = Filters(day_ahead(-200), day_ahead(1))
        before = services.overview(central, f).now
        if change == "delete":
            db.session.delete(ticket)
        else:
            ticket.resolved_at = ticket.resolution_minutes = None
        db.session.commit()
        after = services.overview(central, f).now
        assert after.resolved == before.resolved - 1
        if change == "delete":
            assert (after.asked, after.rated) == (before.asked - 1, before.rated - 1)
        rollup.rebuild()
        db.session.commit()
        assert services.overview(central, f).now == after


def test_rebuild_command(history_app):
    runner = history_app.test_cli_runner()
    result = runner.invoke(args=["insight", "rebuild", "EXK"])
    assert result.exit_code == 0 and "Counted" in result.output
    assert runner.invoke(args=["insight", "rebuild", "NOPE"]).exit_code != 0
    with history_app.app_context():
        assert db.session.scalar(select(InsightDay.id).limit(1)) is not None


@pytest.mark.parametrize("days", [3, 12, 45, 200])
def test_the_week_level_gives_the_figures_of_the_days(history_app, days):
    """Without a school or category the times come from the week level and the period's edge
    days; a viewer who reaches every school by school reads only the day level: the same
    figures, for periods starting on each day of the week."""
    with history_app.test_request_context():
        org_id = user("central@exempelkommun.se").organisation_id
        schools = frozenset(db.session.scalars(select(School.id).where(School.organisation_id == org_id)))
        by_org, by_school = services.Reach(org_ids=frozenset({org_id})), services.Reach(school_ids=schools)
        for shift in range(7):
            f = Filters(day_ahead(-days - shift), day_ahead(-shift))
            assert [s[0].__name__ for s in services._time_sources(by_org, f)][0] == (
                "InsightWeekTime" if days >= 12 else "InsightDayTime")
            assert [s[0].__name__ for s in services._time_sources(by_school, f)] == ["InsightDayTime"]
            weekly, daily = services.overview(None, f, by_org), services.overview(None, f, by_school)
            for a, b in ((weekly.now, daily.now), (weekly.before, daily.before)):
                assert (a.response, a.resolution) == (b.response, b.resolution), (days, shift)
            assert weekly.weekly_response == daily.weekly_response
        assert any(t.count for t in weekly.now.response.values())
